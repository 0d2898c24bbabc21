using SmtpProbeHub.Agent;

return await AgentCommandLine.InvokeAsync(args);
