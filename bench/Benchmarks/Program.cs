using SmtpProbeHub.Benchmarks.Harness;

return await BenchCommand.RunAsync(args);
