using Microsoft.Playwright;
using SmtpProbeHub.TestSupport.Hub;

namespace SmtpProbeHub.EndToEnd.Tests.Hub;

/// <summary>A real browser (Debian's chromium, headless) using Swagger UI against the built hub.</summary>
public sealed class SwaggerBrowserTests
{
    private const string Key = "browser-test-key-7d2e";

    [Fact]
    public async Task SwaggerUi_AuthorizeThenTryItOutOnCreateProbe_WaitsAndShowsTheFinishedDialog()
    {
        await using var hub = await HubProcess.StartAsync($"--Hub:ApiKeys:0={Key}");
        await using var browser = await HeadlessBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var sent = new List<(string Url, string? Key)>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/v1/probes", StringComparison.Ordinal) && request.Method == "POST")
            {
                sent.Add((request.Url, request.Headers.TryGetValue("x-api-key", out var key) ? key : null));
            }
        };

        await page.GotoAsync(hub.BaseUrl + "/swagger");
        await page.Locator("button.authorize").First.ClickAsync();
        await page.Locator(".modal-ux input").First.FillAsync(Key);
        await page.Locator(".modal-ux .auth-btn-wrapper button.authorize").ClickAsync();
        await page.Locator(".modal-ux button.btn-done").ClickAsync();
        var operation = page.Locator("#operations-Probes-CreateProbe");
        await operation.Locator(".opblock-summary").ClickAsync();
        // The documented answers are real runs, not placeholders made from the schema.
        var documented = operation.Locator(".responses-wrapper");
        await Assertions.Expect(documented).ToContainTextAsync("All 2 vantage points agree: passed.");
        Assert.DoesNotContain("additionalProp1", await operation.InnerTextAsync(), StringComparison.Ordinal);
        await operation.Locator("button.try-out__btn").ClickAsync();
        var body = await operation.Locator("textarea.body-param__text").InputValueAsync();
        await Assertions.Expect(operation.Locator("tr[data-param-name='wait'] input")).ToHaveValueAsync("30");
        await operation.Locator("button.execute").ClickAsync();
        var status = operation.Locator(".live-responses-table .response .response-col_status").First;
        // wait=30: the probe has ended when the answer comes (nothing listens on 127.0.0.1:25, so quickly), with its dialog.
        await Assertions.Expect(status).ToHaveTextAsync("200");
        var answer = operation.Locator(".live-responses-table .response-col_description .microlight").First;
        await Assertions.Expect(answer).ToContainTextAsync("\"status\": \"completed\"");
        await Assertions.Expect(answer).ToContainTextAsync("\"transcript\": [");
        await Assertions.Expect(answer).ToContainTextAsync("Trying 127.0.0.1:25");
        await HeadlessBrowser.ScreenshotAsync(page, "swagger-ui-create-probe");

        Assert.Contains("admin@test.com", body, StringComparison.Ordinal);
        Assert.Contains("alice@corp.test", body, StringComparison.Ordinal);
        var post = Assert.Single(sent);
        Assert.EndsWith("/api/v1/probes?wait=30", post.Url, StringComparison.Ordinal);
        Assert.Equal(Key, post.Key);
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
