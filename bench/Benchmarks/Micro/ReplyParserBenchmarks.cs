using System.Text;
using BenchmarkDotNet.Attributes;
using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Dialog;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Benchmarks.Micro;

/// <summary>
/// The engine's reply reader on Postfix's real replies: the 11-line EHLO answer and a one-line 250. One reader
/// (one per connection in the engine, with its 8 KB buffer) reads <see cref="Replies"/> replies per invocation, so
/// the figures are per reply.
/// </summary>
[MemoryDiagnoser]
public class ReplyParserBenchmarks
{
    internal static readonly byte[] EhloReply = Encoding.ASCII.GetBytes(
        "250-mx.corp.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n" +
        "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n");

    private const int Replies = 16;
    private static readonly byte[] OkReply = Encoding.ASCII.GetBytes("250 2.1.5 Ok\r\n");
    private static readonly byte[] EhloReplies = Repeat(EhloReply);
    private static readonly byte[] OkReplies = Repeat(OkReply);
    private static readonly ProbeEngineOptions Options = new();

    [Benchmark(Description = "parse EHLO reply (11 lines)", OperationsPerInvoke = Replies)]
    public SmtpReply Ehlo() => Read(EhloReplies);

    [Benchmark(Description = "parse one-line reply (250 2.1.5 Ok)", OperationsPerInvoke = Replies)]
    public SmtpReply OneLine() => Read(OkReplies);

    private static SmtpReply Read(byte[] bytes)
    {
        var reader = new SmtpReplyReader(new MemoryStream(bytes, writable: false), Options with { MaxBytesRead = long.MaxValue });
        SmtpReply last = null!;
        for (var i = 0; i < Replies; i++)
        {
            last = reader.ReadReplyAsync(null, CancellationToken.None).GetAwaiter().GetResult();
        }

        return last;
    }

    private static byte[] Repeat(byte[] reply) => [.. Enumerable.Repeat(reply, Replies).SelectMany(r => r)];
}
