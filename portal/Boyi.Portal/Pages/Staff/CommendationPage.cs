namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// A page of the county's commendation schemes and rounds, for county administrators (who change schemes and run rounds;
/// the server keeps whoever computed or excluded from confirming) and the county's auditors (who read them).
/// </summary>
public abstract class CommendationPage(BoyiApi api) : CountyAdminOrAuditorPage(api)
{
    protected override (string Zh, string En) Refusal =>
        ("表彰评选由县帮扶办管理员办理、审计员查看。", "Commendation rounds are for county administrators, and auditors to read.");
}
