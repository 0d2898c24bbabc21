using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Storage;

public sealed class ProbeListingTests
{
    [Fact]
    public async Task PageWhoseOffsetOverflows_Throws_NeverAnswersPageOne()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var client = hub.CreateClient();
        await client.PostJsonAsync("/api/v1/probes?wait=10", """{"to":["alice@corp.test"]}""");
        var store = hub.Services.GetRequiredService<IProbeStore>();

        // The endpoint refuses such a page (400); the store must not answer one from a caller that does not.
        await Assert.ThrowsAsync<OverflowException>(() => store.ListAsync(new ProbeQuery { Page = 10_737_420, PageSize = 200 }, TestContext.Current.CancellationToken));
    }
}
