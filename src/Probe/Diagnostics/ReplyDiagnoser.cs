using SmtpProbeHub.Probe.Model;
using static SmtpProbeHub.Probe.Diagnostics.DiagnosisCodes;

namespace SmtpProbeHub.Probe.Diagnostics;

/// <summary>Maps an unwanted reply at a given step to its diagnosis code.</summary>
internal static class ReplyDiagnoser
{
    public static string Code(StepName step, SmtpReply reply)
    {
        var enhanced = reply.EnhancedCode;
        var text = reply.Text;
        if (reply.Code is 500 or 502 && step is not (StepName.Banner or StepName.Message))
        {
            return For(step, "unrecognized");
        }

        if (reply.Code == 421 && step != StepName.Banner)
        {
            return ServerClosing;
        }

        if (reply.Code == 530 && step is StepName.Mail or StepName.Rcpt or StepName.Data)
        {
            return AuthRequired;
        }

        return step switch
        {
            StepName.Banner => reply.Code switch
            {
                421 or (>= 400 and < 500) => BannerUnavailable,
                >= 500 => BannerRefused,
                _ => ProtocolUnexpectedReply,
            },
            StepName.Auth => reply.Code switch
            {
                530 or 538 => AuthRequiresTls,
                535 => AuthFailed,
                504 => AuthNotOffered,
                _ => Generic(step, reply),
            },
            StepName.Mail => reply.Code switch
            {
                552 => MessageTooLarge,
                550 or 553 or 554 when enhanced is not null && (enhanced.StartsWith("5.1.", StringComparison.Ordinal) || enhanced.StartsWith("5.7.", StringComparison.Ordinal)) => MailSenderRejected,
                _ => Generic(step, reply),
            },
            StepName.Rcpt => reply.Code switch
            {
                550 or 551 or 553 when enhanced is "5.1.1" or "5.1.0" || text.Contains("unknown", StringComparison.OrdinalIgnoreCase) => RcptUnknownUser,
                550 or 554 when enhanced is "5.7.1" || text.Contains("relay", StringComparison.OrdinalIgnoreCase) => RcptRelayDenied,
                552 or 452 when enhanced is "5.2.2" or "4.2.2" => RcptMailboxFull,
                _ => Generic(step, reply),
            },
            StepName.Message => reply.Code switch
            {
                552 => MessageTooLarge,
                _ => Generic(step, reply),
            },
            _ => Generic(step, reply),
        };
    }

    private static string Generic(StepName step, SmtpReply reply) => reply.Code switch
    {
        >= 400 and < 500 => For(step, "temporary"),
        >= 500 => For(step, "rejected"),
        _ => For(step, "unexpected_reply"),
    };
}
