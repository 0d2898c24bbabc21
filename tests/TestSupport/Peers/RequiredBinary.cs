namespace SmtpProbeHub.TestSupport.Peers;

/// <summary>Fails loudly (never skips) when a real test peer is not installed.</summary>
public static class RequiredBinary
{
    /// <summary>Throws with the install command when <paramref name="path"/> does not exist.</summary>
    public static string Require(string path, string debianPackage)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} not found (Debian package `{debianPackage}`): run scripts/install-test-deps.sh as root, then run the tests again.");
        }

        return path;
    }

    /// <summary>Throws when the tests do not run as root (real peers need it: Postfix's own directories, ports, namespaces).</summary>
    public static void RequireRoot(string peer)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException($"{peer} needs root: run the tests as root (bash scripts/test.sh).");
        }
    }
}
