namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// A page of the county's payment batches, for county administrators (who build, approve, export and pay them; the
/// server keeps a batch's builder from approving it) and the county's auditors (who read them, as the server lets
/// them).
/// </summary>
public abstract class BatchPage(BoyiApi api) : CountyAdminOrAuditorPage(api)
{
    protected override (string Zh, string En) Refusal =>
        ("补贴发放批次由县帮扶办管理员办理、审计员查看。", "Payment batches are for county administrators, and auditors to read.");
}
