using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SmtpProbeHub.Api.Tests.AgentHub;

/// <summary>Every formatted log line at Information and above, to check what an operator reads (and never reads).</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <summary>True when a matching line is logged within the time.</summary>
    public async Task<bool> AnyWithinAsync(Func<string, bool> match, double seconds)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!Lines.Any(match) && DateTime.UtcNow < until)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return Lines.Any(match);
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
