using Microsoft.EntityFrameworkCore;

namespace SmtpProbeHub.Api.Storage.Sqlite;

/// <summary>The hub's tables. The schema itself is created by <see cref="SchemaMigrator"/>'s scripts.</summary>
internal sealed class HubDbContext(DbContextOptions<HubDbContext> options) : DbContext(options)
{
    public DbSet<ProbeRow> Probes => Set<ProbeRow>();

    public DbSet<RunRow> Runs => Set<RunRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ProbeRow>(e =>
        {
            e.ToTable("probes");
            e.HasKey(p => p.Id);
        });
        modelBuilder.Entity<RunRow>(e =>
        {
            e.ToTable("runs");
            e.HasKey(r => r.Id);
            e.HasOne<ProbeRow>().WithMany().HasForeignKey(r => r.ProbeId);
        });
    }
}
