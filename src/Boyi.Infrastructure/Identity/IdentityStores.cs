using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.PersonalData;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
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
    /// <param name="personalDataKeys">
    /// The personal-data keys (called once, on first use): the DataProtection keys are stored encrypted with them
    /// (<see cref="DataProtectionKeyEncryption"/>).
    /// </param>
    public static IServiceCollection AddBoyiIdentityStores(this IServiceCollection services, Func<IServiceProvider, PersonalDataKeys> personalDataKeys)
    {
        services.AddDbContext<BoyiDbContext>((sp, o) =>
            Database.Configure((DbContextOptionsBuilder<BoyiDbContext>)o, sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddOpenIddict().AddCore(o => o.UseEntityFrameworkCore().UseDbContext<BoyiDbContext>());
        services.AddScoped<ClientRegistry>();
        services.AddScoped<UserAdministration>();
        services.AddBoyiIdentity();
        // Identity's tokens (password reset, sign-in cookies) are protected with keys kept in PostgreSQL, so every
        // server and the operators' command line share them; encrypted there with a key from the key folder, so a
        // copy of the database cannot forge them.
        DataProtectionKeyEncryption.Protect(services.AddDataProtection()
            .SetApplicationName("Boyi")
            .PersistKeysToDbContext<BoyiDbContext>(), personalDataKeys);
        return services;
    }

    /// <summary>
    /// ASP.NET Core Identity for people: the password policy (8+ characters, 3 of 4 classes), lockout after 5
    /// failures for 30 minutes, and the stores. The server adds the sign-in cookie on top of this.
    /// </summary>
    private static IdentityBuilder AddBoyiIdentity(this IServiceCollection services) =>
        services.AddIdentityCore<BoyiUser>(ConfigureIdentity)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<BoyiDbContext>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<PasswordPolicy>();

    public static void ConfigureIdentity(IdentityOptions o)
    {
        o.Password.RequiredLength = PasswordPolicy.MinLength;
        o.Password.RequireDigit = false;
        o.Password.RequireLowercase = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireNonAlphanumeric = false;
        o.Password.RequiredUniqueChars = 4;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(30);
        o.Lockout.AllowedForNewUsers = true;
        o.User.RequireUniqueEmail = false;
        o.SignIn.RequireConfirmedAccount = false;
    }
}
