using SmtpProbeHub.TestSupport.Dns;
using SmtpProbeHub.TestSupport.Postfix;

// One real Postfix and one dnsmasq for the whole assembly: started once, shared by the integration tests
// (each test uses its own HELO name and recipients, so parallel tests stay apart in the Postfix log).
[assembly: AssemblyFixture(typeof(PostfixInstance))]
[assembly: AssemblyFixture(typeof(DnsmasqInstance))]
