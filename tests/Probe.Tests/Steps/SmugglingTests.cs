using System.Text;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Steps;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Probe.Tests.Steps;

/// <summary>
/// SMTP smuggling: whatever the body holds, the wire carries CRLF line ends only, every line that starts with a
/// dot is stuffed, and the one CRLF.CRLF is the terminator at the very end, so no receiver can see the message
/// end early and read the rest as commands.
/// </summary>
public sealed class SmugglingTests
{
    private const string Spoof = "MAIL FROM:<spoof@evil.test>";
    private const int BodiesPerSeed = 250;

    /// <summary>16 seeds × 250 bodies: 4,000 bodies, each seed a test case that names the body that broke it.</summary>
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 16)];

    /// <summary>Bodies heavy in the characters that matter: dots, bare CR, bare LF, and a little text.</summary>
    private static IEnumerable<string> RandomBodies(int seed)
    {
        const string alphabet = "...\r\r\r\n\n\naa ";
        var random = new Random(seed);
        for (var i = 0; i < BodiesPerSeed; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            yield return new string(chars);
        }
    }

    private static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>The wire rules; returns what is wrong, or null.</summary>
    private static string? WireProblem(byte[] data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == '\r' && (i + 1 == data.Length || data[i + 1] != '\n'))
            {
                return $"bare CR at {i}";
            }

            if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
            {
                return $"bare LF at {i}";
            }
        }

        var text = Encoding.UTF8.GetString(data);
        if (!text.EndsWith("\r\n.\r\n", StringComparison.Ordinal))
        {
            return "does not end with CRLF.CRLF";
        }

        if (text.IndexOf("\r\n.\r\n", StringComparison.Ordinal) != text.Length - 5)
        {
            return "a CRLF.CRLF before the end";
        }

        foreach (var pattern in new[] { "\r.\r", "\n.\n", "\r\n.\r", "\r.\r\n" })
        {
            var at = text.IndexOf(pattern, StringComparison.Ordinal);
            if (at >= 0 && at < text.Length - 5)
            {
                return $"'{Escape(pattern)}' at {at}";
            }
        }

        var lines = text[..^2].Split("\r\n");
        if (lines[^1] != "." || lines[..^1].Any(l => l == "."))
        {
            return "a lone dot that is not the last line";
        }

        return null;
    }

    /// <summary>The body as a receiver reads it back: lines after the blank line, one leading dot removed from each.</summary>
    private static string BodyOnTheWire(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..^5];
        return string.Join("\r\n", body.Split("\r\n").Select(l => l.StartsWith('.') ? l[1..] : l));
    }

    private static string Crlf(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace("\n", "\r\n", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ComposedMessage_OfAnyBody_HasOnlyCrlf_StuffedDots_AndOneTerminator(int seed)
    {
        foreach (var international in new[] { false, true })
        {
            foreach (var body in RandomBodies(seed))
            {
                var plan = new ProbePlan { To = ["alice@corp.test"], Message = new MessagePlan { Subject = "s", Body = body } };

                var data = MessageComposer.Compose(plan, DateTimeOffset.UnixEpoch, international).Data;

                Assert.True(WireProblem(data) is null, $"body \"{Escape(body)}\" (international: {international}): {WireProblem(data)}");
                // Normalised, not mangled: the receiver reads back the body with CRLF line ends.
                Assert.Equal(Crlf(body).TrimEnd('\r', '\n'), BodyOnTheWire(data).TrimEnd('\r', '\n'));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Stuff_OfAnyText_HasOnlyCrlf_StuffedDots_AndOneTerminator(int seed)
    {
        // The last guard before the wire holds on its own, whatever the MIME writer hands it.
        foreach (var text in RandomBodies(seed))
        {
            var data = MessageComposer.Stuff(Encoding.UTF8.GetBytes("Subject: s\r\n\r\n" + text), "id@x").Data;

            Assert.True(WireProblem(data) is null, $"text \"{Escape(text)}\": {WireProblem(data)}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ComposedMessage_WithLongSubjectAndHeaderValuesThatFold_HasOnlyCrlf_AndOneTerminator(int seed)
    {
        // Values cannot hold CR or LF (PlanValidator), but MimeKit folds long ones and encodes non-ASCII ones.
        const string alphabet = "....  \taaé";
        var random = new Random(seed);
        string Value() => new([.. Enumerable.Range(0, random.Next(0, 998)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        for (var i = 0; i < 20; i++)
        {
            var plan = new ProbePlan
            {
                To = ["alice@corp.test"],
                Message = new MessagePlan { Subject = Value(), Body = "b", Headers = new Dictionary<string, string> { ["X-A"] = Value(), ["X-B"] = Value() } },
            };
            Assert.Empty(SmtpProbeHub.Probe.Validation.PlanValidator.Validate(plan));

            foreach (var international in new[] { false, true })
            {
                var data = MessageComposer.Compose(plan, DateTimeOffset.UnixEpoch, international).Data;

                Assert.True(WireProblem(data) is null, $"subject \"{plan.Message.Subject}\" (international: {international}): {WireProblem(data)}");
            }
        }
    }

    public static TheoryData<string> ClassicSmugglingBodies => new()
    {
        $"a\r\n.\r\n{Spoof}\r\nRCPT TO:<victim@corp.test>\r\nDATA\r\nforged",
        $"a\n.\n{Spoof}",
        $"a\r.\r{Spoof}",
        $"a\r.\r\n{Spoof}",
        $"a\r\n.\r{Spoof}",
        $"a\n.\r\n{Spoof}",
        $"a\r\n.\n{Spoof}",
        $".\r{Spoof}",
        $"a\n.",
        $"a\r.",
    };

    [Theory]
    [MemberData(nameof(ClassicSmugglingBodies))]
    public async Task ClassicSmugglingBody_ArrivesAsCrlfLines_DotStuffed_InOneMessage(string body)
    {
        await using var server = ScriptedSmtpServer.Start();

        var result = await Probes.RunAsync(Probes.PlanFor(server) with { Message = new MessagePlan { Subject = "smuggle", Body = body } });
        await server.WaitForIdleAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(Verdict.Passed, result.Verdict);
        var peer = Assert.Single(server.Connections);
        var wire = peer.ReceivedBytes;
        var text = Encoding.UTF8.GetString(wire);
        Assert.DoesNotContain('\r', text.Replace("\r\n", "", StringComparison.Ordinal));
        Assert.DoesNotContain('\n', text.Replace("\r\n", "", StringComparison.Ordinal));
        Assert.Equal(1, CountOf(text, "\r\n.\r\n"));
        Assert.Equal(["EHLO test.com", "MAIL FROM:<admin@test.com> SIZE=" + result.Step(StepName.Mail).Command!.Split("SIZE=")[1], "RCPT TO:<alice@corp.test>", "DATA", "QUIT"], peer.Commands);
        var message = Assert.Single(peer.Messages);
        var expected = Crlf(body).Split("\r\n").Select(l => l.StartsWith('.') ? "." + l : l);
        Assert.EndsWith(string.Join("\r\n", expected).TrimEnd('\r', '\n'), message.TrimEnd('\r', '\n'), StringComparison.Ordinal);
    }

    private static int CountOf(string text, string pattern)
    {
        var count = 0;
        for (var at = text.IndexOf(pattern, StringComparison.Ordinal); at >= 0; at = text.IndexOf(pattern, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
