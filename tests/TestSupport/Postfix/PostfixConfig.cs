namespace SmtpProbeHub.TestSupport.Postfix;

/// <summary>The main.cf settings of a test instance, applied over a copy of /etc/postfix/main.cf.</summary>
internal static class PostfixConfig
{
    /// <summary>Header of the log line that ties a session to the HELO name the probe sent (see <see cref="PostfixLog"/>).</summary>
    internal const string HeloMarker = "probe-helo=";

    public static IReadOnlyDictionary<string, string> Settings(PostfixOptions options, PostfixSlot slot)
    {
        var etc = slot.ConfigDirectory;
        var settings = new Dictionary<string, string>
        {
            // Own directories and log: nothing shared with the system instance.
            ["queue_directory"] = slot.QueueDirectory,
            ["data_directory"] = slot.DataDirectory,
            ["maillog_file"] = slot.LogFile,
            ["multi_instance_name"] = $"smtpprobehub-{slot.Name}",
            ["inet_interfaces"] = options.ListenAddress.ToString(),
            ["inet_protocols"] = options.ListenAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4",
            ["myhostname"] = options.HostName,
            ["myorigin"] = options.HostName,
            ["smtpd_banner"] = $"$myhostname ESMTP Postfix (SmtpProbeHub test {slot.Name})",
            // Final destination for the test domains; only the listed users exist (else 550 5.1.1 User unknown).
            ["mydestination"] = string.Join(", ", options.Domains),
            ["local_recipient_maps"] = $"texthash:{etc}/local_recipients",
            ["alias_maps"] = "",
            ["alias_database"] = "",
            // A real MX refuses to relay for strangers: 554 5.7.1 Relay access denied.
            ["smtpd_relay_restrictions"] = "reject_unauth_destination",
            ["mynetworks"] = "127.0.0.0/8",
            // Accepted mail goes nowhere; no outbound SMTP, no DNS lookups.
            ["default_transport"] = "discard:",
            ["relay_transport"] = "discard:",
            ["local_transport"] = "discard:",
            ["smtpd_peername_lookup"] = "no",
            ["smtp_dns_support_level"] = "disabled",
            // STARTTLS with Debian's self-signed certificate.
            ["smtpd_tls_security_level"] = "may",
            ["smtpd_tls_cert_file"] = "/etc/ssl/certs/ssl-cert-snakeoil.pem",
            ["smtpd_tls_key_file"] = "/etc/ssl/private/ssl-cert-snakeoil.key",
            ["smtpd_tls_loglevel"] = "1",
            ["smtpd_tls_received_header"] = "yes",
            // Tests are fast and make errors on purpose: no tarpit, no error limits.
            ["smtpd_error_sleep_time"] = "0",
            ["smtpd_soft_error_limit"] = "1000",
            ["smtpd_hard_error_limit"] = "1000",
            ["smtpd_junk_command_limit"] = "1000",
            ["smtpd_client_connection_rate_limit"] = "0",
            ["smtpd_client_message_rate_limit"] = "0",
            ["in_flow_delay"] = "0",
            // Hook for tests that need a refusing server (override with Settings, e.g. "reject").
            ["smtpd_client_restrictions"] = "",
            // Log the client port on every line and the HELO name once per session, so a test can find its own
            // session among parallel ones (PostfixLog.WaitForSessionAsync). WARN only logs; it never refuses.
            ["smtpd_client_port_logging"] = "yes",
            ["smtpd_helo_restrictions"] = $"check_helo_access regexp:{etc}/helo_log",
        };

        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static void WriteTables(PostfixOptions options, PostfixSlot slot)
    {
        var recipients = options.Domains.SelectMany(d => options.LocalUsers.Select(u => $"{u}@{d} ok"));
        File.WriteAllLines(Path.Combine(slot.ConfigDirectory, "local_recipients"), recipients);
        File.WriteAllText(Path.Combine(slot.ConfigDirectory, "helo_log"), $"/^(.*)$/ WARN {HeloMarker}$1\n");
    }
}
