using System.Net;
using SmtpProbeHub.Api.Returns.Delivery;
using SmtpProbeHub.Api.Returns.Receiver;

namespace SmtpProbeHub.Api.Returns;

internal static class ReturnsServiceCollectionExtensions
{
    /// <summary>The return-path receiver and the delivery stage of confirming probes (KB 153119's advanced test, closed).</summary>
    public static IServiceCollection AddReturnsServices(this IServiceCollection services)
    {
        services.AddOptions<ReturnsOptions>().BindConfiguration(ReturnsOptions.Section)
            .Validate(o => !o.Enabled || IPEndPoint.TryParse(o.Listen, out _), "Hub:Returns:Listen must be an address and port, e.g. 127.0.0.1:2525 or 0.0.0.0:25.")
            .Validate(o => !o.Enabled || Uri.CheckHostName(o.Domain!.Trim().TrimEnd('.')) == UriHostNameType.Dns, "Hub:Returns:Domain must be a domain name, e.g. returns.example.com.")
            .Validate(o => o.MaxMessageBytes is >= 4096 and <= 10 * 1024 * 1024, "Hub:Returns:MaxMessageBytes must be 4096–10485760.")
            .Validate(o => o.MaxStoredBytes is >= 0 and <= 1024 * 1024, "Hub:Returns:MaxStoredBytes must be 0–1048576.")
            .Validate(o => o.MessagesPerMinute is >= 1 and <= 100_000, "Hub:Returns:MessagesPerMinute must be 1–100000.")
            .Validate(o => o.AcceptDays is >= 1 and <= 365, "Hub:Returns:AcceptDays must be 1–365.")
            .ValidateOnStart();
        services.AddSingleton<ReturnAddresses>();
        services.AddSingleton<DeliveryWatch>();
        services.AddSingleton<DeliveryStage>();
        // After storage's start (hosted services start in order): the receiver reads its key from the database.
        services.AddSingleton<ReturnPathReceiver>();
        services.AddHostedService(sp => sp.GetRequiredService<ReturnPathReceiver>());
        return services;
    }
}
