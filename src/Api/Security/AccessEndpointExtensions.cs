namespace SmtpProbeHub.Api.Security;

internal static class AccessEndpointExtensions
{
    /// <summary>Documents the access answers every /api endpoint can give (missing key, remote client without keys, rate limit).</summary>
    public static RouteGroupBuilder WithAccessProblems(this RouteGroupBuilder group) => group
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
