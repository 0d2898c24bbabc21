using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Returns.Delivery;
using SmtpServer;
using SmtpServer.Net;

namespace SmtpProbeHub.Api.Returns.Receiver;

/// <summary>
/// The return-path receiver: an SMTP listener (the SmtpServer library) for the return domain, started when
/// Hub:Returns:Domain is set. Its work is its own: sessions, parsing and storing a report never hold a probe's slot, and
/// a flood is cut by the rate limit and the size limit before it reaches storage.
/// </summary>
public sealed class ReturnPathReceiver(
    IOptions<ReturnsOptions> options, ReturnAddresses addresses, IDeliveryReportStore reports, DeliveryStage stage, TimeProvider time, ILogger<ReturnPathReceiver> logger)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly FixedWindowRateLimiter _rate = new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = Math.Max(1, options.Value.MessagesPerMinute),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    });

    private Task _running = Task.CompletedTask;

    /// <summary>Where the receiver listens (the bound port when Listen asked for port 0); null when it is off.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        addresses.UseKey(await reports.ReturnKeyAsync(cancellationToken));
        var started = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult((IPEndPoint)e.LocalEndPoint);
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName(settings.ServerName ?? addresses.Domain)
            .MaxMessageSize(settings.MaxMessageBytes, MaxMessageSizeHandling.Strict)
            .MaxRetryCount(3)
            .CommandWaitTimeout(TimeSpan.FromSeconds(60))
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(IPEndPoint.Parse(settings.Listen)).SessionTimeout(TimeSpan.FromMinutes(5));
                if (!string.IsNullOrEmpty(settings.CertificatePath))
                {
                    // Offered with STARTTLS; the reporting MTA decides whether to use it.
                    endpoint.Certificate(X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.CertificatePassword));
                }
            })
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new ReturnMailboxFilter(addresses, reports, _rate, logger));
        services.Add(new ReturnMessageStore(addresses, reports, stage, options, time, logger));
        var server = new SmtpServer.SmtpServer(serverOptions, services);
        _running = server.StartAsync(_stop.Token);
        // A listener that cannot bind (port taken, no such address) fails the hub's start here, saying why.
        var first = await Task.WhenAny(started.Task, _running).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        if (first != started.Task)
        {
            await _running;
            throw new InvalidOperationException($"The return-path receiver stopped at start ({ReturnsOptions.Section}:Listen = {settings.Listen}).");
        }

        LocalEndPoint = await started.Task;
        logger.LogInformation("Return-path receiver for {Domain} listening on {EndPoint}", addresses.Domain, LocalEndPoint);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }
    }

    /// <summary>The host may dispose before it stops (a test factory does): the token source stays usable for StopAsync.</summary>
    public void Dispose() => _rate.Dispose();
}
