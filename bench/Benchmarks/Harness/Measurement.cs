namespace SmtpProbeHub.Benchmarks.Harness;

/// <summary>One figure of the run; <see cref="Ratio"/> is value / reference, both measured in this run.</summary>
internal sealed record Measurement(
    string Section, string Name, double Value, string Unit, string? Reference = null, double? ReferenceValue = null, string? Note = null)
{
    public double? Ratio => ReferenceValue is { } r && r != 0 && !double.IsNaN(Value) ? Value / r : null;
}
