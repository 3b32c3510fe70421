using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Infrastructure.Identity;

public static class IdentityStores
{
    /// <summary>
    /// The database side of identity: the EF context, and OpenIddict's stores for clients and tokens. The server adds
    /// the authority on top; the command line uses this alone to register clients.
    /// </summary>
    public static IServiceCollection AddBoyiIdentityStores(this IServiceCollection services)
    {
        services.AddDbContext<BoyiDbContext>((sp, o) =>
            Database.Configure((DbContextOptionsBuilder<BoyiDbContext>)o, sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddOpenIddict().AddCore(o => o.UseEntityFrameworkCore().UseDbContext<BoyiDbContext>());
        services.AddScoped<ClientRegistry>();
        return services;
    }
}
