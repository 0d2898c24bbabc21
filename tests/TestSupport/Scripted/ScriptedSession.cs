using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace SmtpProbeHub.TestSupport.Scripted;

/// <summary>One client connection on the scripted server: reads commands, answers from the script, records lines.</summary>
internal sealed class ScriptedSession(SmtpScript script, ScriptedConnection record)
{
    private Stream _stream = Stream.Null;
    private LineReader _reader = null!;

    public async Task RunAsync(TcpClient client, CancellationToken cancellationToken)
    {
        try
        {
            using (client)
            {
                _stream = client.GetStream();
                if (script.ImplicitTls)
                {
                    await UpgradeAsync(cancellationToken).ConfigureAwait(false);
                }

                _reader = new LineReader(_stream, record);
                var banner = script.Banner ?? ScriptedReply.Lines($"220 {script.ServerName} ESMTP Scripted");
                if (!await SendAsync(banner, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                await DialogAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The client hung up or the server is stopping: the conversation is over, what was recorded stays.
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The server is stopping and closed the connection under the session: a stream closed mid-step throws
            // whatever the step was doing (an SslStream over a closed socket throws ArgumentException), none of it matters.
        }
    }

    private async Task DialogAsync(CancellationToken cancellationToken)
    {
        while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            record.AddLine(line, command: true);
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            var reply = script.Respond(verb, line) ?? await DefaultAsync(verb, line, cancellationToken).ConfigureAwait(false);
            if (reply is null)
            {
                continue;
            }

            if (!await SendAsync(reply, cancellationToken).ConfigureAwait(false) || verb == "QUIT")
            {
                return;
            }

            if (verb == "DATA" && reply.Kind == ScriptedReplyKind.Send && reply.Bytes.AsSpan().StartsWith("354"u8))
            {
                var message = await ReadMessageAsync(cancellationToken).ConfigureAwait(false);
                if (message is null)
                {
                    return;
                }

                record.AddMessage(message);
                var end = script.Respond(SmtpScript.EndOfData, message) ?? ScriptedReply.Lines("250 2.0.0 Ok: queued as 4ABC123DEF");
                if (!await SendAsync(end, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            else if (verb == "STARTTLS" && reply.Bytes.AsSpan().StartsWith("220"u8) && script.Certificate is not null)
            {
                await UpgradeAsync(cancellationToken).ConfigureAwait(false);
                _reader = new LineReader(_stream, record);
            }
        }
    }

    private async Task<ScriptedReply?> DefaultAsync(string verb, string line, CancellationToken cancellationToken) => verb switch
    {
        "EHLO" => ScriptedReply.Lines([.. EhloLines()]),
        "HELO" => ScriptedReply.Lines($"250 {script.ServerName}"),
        "MAIL" => ScriptedReply.Lines("250 2.1.0 Ok"),
        "RCPT" => ScriptedReply.Lines("250 2.1.5 Ok"),
        "DATA" => ScriptedReply.Lines("354 End data with <CR><LF>.<CR><LF>"),
        "RSET" or "NOOP" => ScriptedReply.Lines("250 2.0.0 Ok"),
        "QUIT" => ScriptedReply.Lines("221 2.0.0 Bye"),
        "STARTTLS" when script.Certificate is not null && !record.IsTls => ScriptedReply.Lines("220 2.0.0 Ready to start TLS"),
        "STARTTLS" => ScriptedReply.Lines("454 4.7.0 TLS not available"),
        "AUTH" when script.Credentials is not null => await ScriptedAuthenticator.AuthenticateAsync(script.Credentials.Value, line, PromptAsync, cancellationToken).ConfigureAwait(false),
        _ => script.UnknownReply ?? ScriptedReply.Lines("502 5.5.2 Error: command not recognized"),
    };

    private IEnumerable<string> EhloLines()
    {
        var keywords = new List<string>(script.Capabilities);
        if (script.Certificate is not null && script.AdvertiseStartTls && !record.IsTls)
        {
            keywords.Add("STARTTLS");
        }

        if (script.Credentials is not null && (record.IsTls || !script.AuthOnlyAfterTls))
        {
            keywords.Add("AUTH " + string.Join(' ', script.AuthMechanisms));
        }

        var lines = new List<string> { $"{script.ServerName} Hello" };
        lines.AddRange(keywords);
        return lines.Select((l, i) => (i == lines.Count - 1 ? "250 " : "250-") + l);
    }

    private async Task<string?> PromptAsync(string prompt, CancellationToken cancellationToken)
    {
        await SendAsync(ScriptedReply.Lines(prompt), cancellationToken).ConfigureAwait(false);
        var answer = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (answer is not null)
        {
            record.AddLine(answer, command: false);
        }

        return answer;
    }

    private async Task<string?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            record.AddLine(line, command: false);
            if (line == ".")
            {
                return string.Join("\r\n", lines);
            }

            lines.Add(line);
        }

        return null;
    }

    private async Task UpgradeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = script.Certificate }, cancellationToken).ConfigureAwait(false);
        _stream = ssl;
        record.IsTls = true;
    }

    /// <summary>Writes the reply as scripted; false when the connection is to end.</summary>
    private async Task<bool> SendAsync(ScriptedReply reply, CancellationToken cancellationToken)
    {
        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, cancellationToken).ConfigureAwait(false);
        }

        switch (reply.Kind)
        {
            case ScriptedReplyKind.Never:
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                return false;
            case ScriptedReplyKind.Trickle:
                foreach (var b in reply.Bytes)
                {
                    await _stream.WriteAsync(new[] { b }, cancellationToken).ConfigureAwait(false);
                    await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await Task.Delay(reply.PerByte, cancellationToken).ConfigureAwait(false);
                }

                return true;
            default:
                await _stream.WriteAsync(reply.Bytes, cancellationToken).ConfigureAwait(false);
                await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                return reply.Kind == ScriptedReplyKind.Send;
        }
    }
}
