namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>A goal of issue 6 and whether this run met it.</summary>
internal sealed record GoalCheck(string Goal, string Target, string Measured, bool Met);
