using Microsoft.Playwright;
using SmtpProbeHub.TestSupport.Hub;

namespace SmtpProbeHub.EndToEnd.Tests.Hub;

/// <summary>A real browser (Debian's chromium, headless) using Swagger UI against the built hub.</summary>
public sealed class SwaggerBrowserTests
{
    private const string Key = "browser-test-key-7d2e";

    [Fact]
    public async Task SwaggerUi_AuthorizeThenTryItOutOnCreateProbe_Shows202()
    {
        await using var hub = await HubProcess.StartAsync($"--Hub:ApiKeys:0={Key}");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var sentKeys = new List<string?>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/v1/probes", StringComparison.Ordinal) && request.Method == "POST")
            {
                sentKeys.Add(request.Headers.TryGetValue("x-api-key", out var key) ? key : null);
            }
        };

        await page.GotoAsync(hub.BaseUrl + "/swagger");
        await page.Locator("button.authorize").First.ClickAsync();
        await page.Locator(".modal-ux input").First.FillAsync(Key);
        await page.Locator(".modal-ux .auth-btn-wrapper button.authorize").ClickAsync();
        await page.Locator(".modal-ux button.btn-done").ClickAsync();
        var operation = page.Locator("#operations-Probes-CreateProbe");
        await operation.Locator(".opblock-summary").ClickAsync();
        await operation.Locator("button.try-out__btn").ClickAsync();
        var body = await operation.Locator("textarea.body-param__text").InputValueAsync();
        await operation.Locator("button.execute").ClickAsync();
        var status = operation.Locator(".live-responses-table .response .response-col_status").First;
        await Assertions.Expect(status).ToHaveTextAsync("202");

        Assert.Contains("admin@test.com", body, StringComparison.Ordinal);
        Assert.Contains("alice@corp.test", body, StringComparison.Ordinal);
        Assert.Equal([Key], sentKeys);
        var probes = await WithKeyAsync(hub, "/api/v1/probes");
        Assert.Contains("\"total\":1", probes, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.Output, line => line.Contains(Key, StringComparison.Ordinal));
    }

    private static async Task<string> WithKeyAsync(HubProcess hub, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", Key);
        var response = await hub.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
