using SmtpProbeHub.TestSupport.Dns;
using SmtpProbeHub.TestSupport.Postfix;

// A real Postfix and dnsmasq shared by the agent's tests (the probe command runs against them).
[assembly: AssemblyFixture(typeof(PostfixInstance))]
[assembly: AssemblyFixture(typeof(DnsmasqInstance))]
