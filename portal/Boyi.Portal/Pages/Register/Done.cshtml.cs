using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Boyi.Portal.Pages.Register;

[AllowAnonymous]
public sealed class DoneModel : PageModel
{
    public string Name { get; private set; } = "";

    public void OnGet(string? name) => Name = name ?? "";
}
