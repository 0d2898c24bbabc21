using Microsoft.Extensions.Logging.Testing;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.TestSupport.Logging;

/// <summary>What an operator would read in the log, from the framework's <see cref="FakeLogCollector"/>.</summary>
public static class LogLines
{
    extension(FakeLogCollector logs)
    {
        /// <summary>Every line at Information and above so far, as "Level: message exception".</summary>
        public IReadOnlyList<string> Lines =>
        [
            .. logs.GetSnapshot().Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information)
                .Select(r => $"{r.Level}: {r.Message}{(r.Exception is null ? "" : " " + r.Exception)}"),
        ];

        /// <summary>The first line that matches, once logged; throws with the log when none is within the time.</summary>
        public async Task<string> WaitForLineAsync(Func<string, bool> match, double seconds = 15) =>
            (await Eventually.ReadAsync(() => Task.FromResult(logs.Lines.FirstOrDefault(match)), line => line is not null,
                TimeSpan.FromSeconds(seconds), explain: () => string.Join('\n', logs.Lines)))!;
    }
}
