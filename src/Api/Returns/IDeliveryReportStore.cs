using SmtpProbeHub.Api.Returns.Reports;

namespace SmtpProbeHub.Api.Returns;

/// <summary>Storage of the DSNs that came back (beside <see cref="Storage.IProbeStore"/>, which loads them with a probe).</summary>
public interface IDeliveryReportStore
{
    /// <summary>The key of the return addresses' HMAC tags, made once per database.</summary>
    Task<byte[]> ReturnKeyAsync(CancellationToken cancellationToken);

    /// <summary>The probe of a run, or null when the run is unknown (deleted by retention, or never existed).</summary>
    Task<Guid?> ProbeOfRunAsync(Guid runId, CancellationToken cancellationToken);

    /// <summary>Stores a report with its run.</summary>
    Task AddAsync(DsnReport report, CancellationToken cancellationToken);

    /// <summary>The reports of these runs, oldest first.</summary>
    Task<IReadOnlyList<DsnReport>> ForRunsAsync(IReadOnlyCollection<Guid> runIds, CancellationToken cancellationToken);
}
