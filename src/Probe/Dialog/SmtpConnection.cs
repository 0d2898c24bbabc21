using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Tls;

namespace SmtpProbeHub.Probe.Dialog;

/// <summary>
/// One SMTP connection: writes command lines, reads replies, and records every line in the
/// transcript. Secrets are redacted here and only here, so nothing above can leak them.
/// </summary>
internal sealed class SmtpConnection : IAsyncDisposable
{
    private readonly Socket? _socket;
    private readonly TranscriptRecorder _transcript;
    private readonly ProbeEngineOptions _options;
    private readonly SecretRedactor _redactor = new();
    private Stream _stream;
    private SmtpReplyReader _reader;
    private bool _greeted;

    public SmtpConnection(Stream stream, Socket? socket, TranscriptRecorder transcript, ProbeEngineOptions options)
    {
        _stream = stream;
        _socket = socket;
        _transcript = transcript;
        _options = options;
        _reader = new SmtpReplyReader(stream, options);
    }

    /// <summary>True once TLS is on (STARTTLS or implicit).</summary>
    public bool IsTls => _stream is SslStream;

    /// <summary>Masks <paramref name="secret"/> (its clear, hex and base64 forms, when long enough) in everything recorded from now on.</summary>
    public void RegisterSecret(string secret) => _redactor.Register(secret);

    /// <summary>Masks <paramref name="form"/>, an exact string sent with a secret in it, wherever it comes back.</summary>
    public void RegisterSentSecret(string form) => _redactor.RegisterSentForm(form);

    /// <summary>
    /// Sends one line (CRLF added); <paramref name="shownAs"/> is what the transcript shows instead for
    /// lines that carry a secret (the mask, however short the secret). Returns the line as recorded, secrets masked.
    /// </summary>
    public async Task<string> SendAsync(string line, string? shownAs, CancellationToken cancellationToken)
    {
        // Defence in depth behind PlanValidator: a CR or LF here would start a second SMTP command, and other control,
        // format or separator characters have no business in a command either.
        if (line.AsSpan().IndexOfAny('\r', '\n') >= 0 || Validation.Syntax.HasControlCharacters(line))
        {
            throw new ArgumentException("a command line must not contain CR, LF or other control or format characters", nameof(line));
        }

        if (_reader.HasBufferedData)
        {
            // A reply nobody asked for would be taken as the answer to this command: the dialog is out of step.
            throw new SmtpProtocolException(DiagnosisCodes.ProtocolViolation, "the server sent a reply before the command was sent (unsolicited data)");
        }

        var shown = _redactor.Redact(shownAs ?? line);
        _transcript.Add(TranscriptDirection.Sent, shown);
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        return shown;
    }

    /// <summary>Sends the dot-stuffed message and its final "."; <paramref name="lines"/> go to the transcript, capped (<see cref="TranscriptRecorder.AddMessage"/>).</summary>
    public async Task SendDataAsync(ReadOnlyMemory<byte> data, IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        _transcript.AddMessage(lines, _redactor.Redact, _options.MaxTranscriptBodyBytes);
        await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads one reply; each line is recorded as it arrives. The first reply of the session (the greeting, also
    /// after an implicit TLS handshake) must start like SMTP, else it is <c>protocol.not_smtp</c>.
    /// </summary>
    public async Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var greeting = !_greeted;
        _greeted = true;
        SmtpReply reply;
        try
        {
            reply = await _reader.ReadReplyAsync(
                line => _transcript.Add(TranscriptDirection.Received, _redactor.Redact(line)),
                greeting,
                cancellationToken).ConfigureAwait(false);
        }
        catch (SmtpProtocolException e)
        {
            // The message may quote what the server sent (a malformed line that echoes a secret): it becomes a step's
            // detail and the diagnosis, so it is masked here like every recorded line.
            throw new SmtpProtocolException(e.DiagnosisCode, _redactor.Redact(e.Message)) { Received = e.Received };
        }

        return reply with { Lines = [.. reply.Lines.Select(_redactor.Redact)] };
    }

    /// <summary>Starts TLS on this connection (after "220" to STARTTLS, or at once for implicit TLS).</summary>
    public async Task<TlsObservation> UpgradeToTlsAsync(string targetHost, CancellationToken cancellationToken)
    {
        if (_reader.HasBufferedData)
        {
            // Bytes sent before the handshake would be read as if they came over TLS (CVE-2011-0411).
            throw new SmtpProtocolException(DiagnosisCodes.ProtocolViolation, "the server sent data after its STARTTLS reply, before the TLS handshake");
        }

        var (ssl, observation) = await TlsHandshake.AuthenticateAsync(_stream, targetHost, cancellationToken).ConfigureAwait(false);
        _stream = ssl;
        // Bytes read before TLS are not carried over: the reader starts empty on the TLS stream.
        _reader = new SmtpReplyReader(ssl, _options with { MaxBytesRead = Math.Max(0, _options.MaxBytesRead - _reader.TotalBytesRead) });
        return observation;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Closing a connection the server already dropped is not news.
        }

        _socket?.Dispose();
    }
}
