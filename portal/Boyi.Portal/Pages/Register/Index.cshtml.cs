using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Portal.Pages.Register;

/// <summary>An enterprise registers itself and its first user; the server checks everything and decides the outcome.</summary>
[AllowAnonymous]
public sealed class IndexModel(BoyiApi api, PortalToken portal, IConfiguration config) : PortalPage
{
    [BindProperty] public string CreditCode { get; set; } = "";
    [BindProperty] public string DisplayName { get; set; } = "";
    [BindProperty] public string LegalRepresentative { get; set; } = "";
    [BindProperty] public string ContactName { get; set; } = "";
    [BindProperty] public string ContactPhone { get; set; } = "";
    [BindProperty] public string Town { get; set; } = "";
    [BindProperty] public Industry Industry { get; set; } = Industry.Agriculture;
    [BindProperty] public bool ChamberMember { get; set; }
    [BindProperty] public string UserName { get; set; } = "";
    [BindProperty] public string FullName { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";

    public List<Town> Towns { get; } = [];

    private string County => $"counties/{config["Portal:County"] ?? "450923"}";

    public async Task OnGetAsync() => await LoadTownsAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            var response = await api.Enterprises.RegisterEnterpriseAsync(new RegisterEnterpriseRequest
            {
                Parent = County,
                Enterprise = new Enterprise
                {
                    CreditCode = CreditCode, DisplayName = DisplayName, LegalRepresentative = LegalRepresentative, ContactName = ContactName,
                    ContactPhone = ContactPhone, Town = Town, Industry = Industry, ChamberMember = ChamberMember,
                },
                FirstUser = new EnterpriseUser { UserName = UserName, FullName = FullName, Password = Password },
                RequestId = Guid.NewGuid().ToString(),
            }, await portal.AsPortalAsync(HttpContext.RequestAborted));
            return RedirectToPage("/Register/Done", new { name = response.Enterprise.DisplayName });
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Show(e, FormField);
            Password = "";   // never sent back to the browser
            await LoadTownsAsync();
            return Page();
        }
    }

    /// <summary>The form field a server field violation is about.</summary>
    private static string FormField(string field) => field switch
    {
        "enterprise.credit_code" => nameof(CreditCode),
        "enterprise.display_name" => nameof(DisplayName),
        "enterprise.legal_representative" => nameof(LegalRepresentative),
        "enterprise.contact_name" => nameof(ContactName),
        "enterprise.contact_phone" => nameof(ContactPhone),
        "enterprise.town" => nameof(Town),
        "enterprise.industry" => nameof(Industry),
        "first_user.user_name" => nameof(UserName),
        "first_user.full_name" => nameof(FullName),
        "first_user.password" => nameof(Password),
        _ => "",
    };

    private async Task LoadTownsAsync() =>
        Towns.AddRange(await api.AllTownsAsync(County, await portal.AsPortalAsync(HttpContext.RequestAborted)));
}
