namespace SmtpProbeHub.Api.Dispatch;

/// <summary>The agent selector named no online agent (answered as 422 <c>no_agents_matched</c>).</summary>
public sealed class NoAgentsMatchedException(string message) : Exception(message);
