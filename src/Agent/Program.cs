Console.WriteLine("SmtpProbeHub agent");
