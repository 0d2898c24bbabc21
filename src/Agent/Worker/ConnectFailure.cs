using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>Turns a failed connection to the hub into one plain sentence that says why.</summary>
internal static class ConnectFailure
{
    public static string Describe(Exception ex, string hubUrl) =>
        OneLine(Explain(ex, hubUrl));

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string Explain(Exception ex, string hubUrl)
    {
        if (ex is HubRefusedException refused)
        {
            return $"hub {hubUrl} refused this agent: {refused.Message}";
        }

        if (ex is RpcException { StatusCode: StatusCode.Unauthenticated } rpc)
        {
            return $"token refused by hub {hubUrl} ({rpc.StatusCode}: {rpc.Status.Detail}); check Agent:Token";
        }

        if (ex is RpcException { StatusCode: StatusCode.PermissionDenied } identity)
        {
            return $"hub {hubUrl} refused this agent's identity: {identity.Status.Detail}";
        }

        if (ex is RpcException { StatusCode: StatusCode.ResourceExhausted } throttled)
        {
            return $"hub {hubUrl} is throttling this address after refused credentials: {throttled.Status.Detail}";
        }

        if (Find<AuthenticationException>(ex) is { } tls)
        {
            return $"TLS failure with hub {hubUrl}: {Innermost(tls).Message}; check the hub's certificate, or Agent:HubCaCertificate for a private CA";
        }

        if (Find<SocketException>(ex) is { } socket)
        {
            return $"hub {hubUrl} unreachable: {socket.SocketErrorCode} ({socket.Message})";
        }

        if (Find<HttpRequestException>(ex) is { } http)
        {
            return $"hub {hubUrl} unreachable: {Innermost(http).Message}";
        }

        if (ex is TimeoutException)
        {
            return $"hub {hubUrl} did not answer hello in time ({ex.Message})";
        }

        if (ex is RpcException other)
        {
            return $"hub {hubUrl} ended the stream: {other.StatusCode} {other.Status.Detail}";
        }

        return $"connection to hub {hubUrl} failed: {ex.GetType().Name}: {ex.Message}";
    }

    private static T? Find<T>(Exception? ex, int depth = 0)
        where T : Exception
    {
        if (ex is null || depth > 10)
        {
            return null;
        }

        if (ex is T match)
        {
            return match;
        }

        Exception?[] children = ex switch
        {
            RpcException rpc => [rpc.Status.DebugException, rpc.InnerException],
            AggregateException agg => [.. agg.InnerExceptions],
            _ => [ex.InnerException],
        };
        return children.Select(c => Find<T>(c, depth + 1)).FirstOrDefault(found => found is not null);
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
