namespace Boyi.Domain.Access;

/// <summary>
/// OAuth scopes of the API, per service area, read and write separately. Machine clients (other government systems)
/// are granted some of them; a token carries those it asked for.
/// </summary>
public static class Scopes
{
    public const string RegistryRead = "registry.read";
    public const string RegistryWrite = "registry.write";
    public const string HouseholdsRead = "households.read";
    public const string HouseholdsWrite = "households.write";
    public const string CadresRead = "cadres.read";
    public const string CadresWrite = "cadres.write";
    public const string PairingRead = "pairing.read";
    public const string PairingWrite = "pairing.write";
    /// <summary>May ask for ID-card numbers and phones in full (each such read is audited).</summary>
    public const string PersonalData = "personal_data";
    public const string AuditRead = "audit.read";
    public const string EnterprisesRead = "enterprises.read";
    /// <summary>Registering enterprises (the partner portal's own client, or county systems).</summary>
    public const string EnterprisesWrite = "enterprises.write";
    /// <summary>Deciding on enterprises: approve, reject, suspend.</summary>
    public const string EnterprisesApprove = "enterprises.approve";
    public const string LinkagesRead = "linkages.read";
    /// <summary>Proposing linkages and taking them through their life (activate, complete, terminate, answer invitations).</summary>
    public const string LinkagesWrite = "linkages.write";
    /// <summary>Approving or rejecting proposed linkages.</summary>
    public const string LinkagesApprove = "linkages.approve";
    public const string JobsRead = "jobs.read";
    /// <summary>Posting and closing jobs, placing people.</summary>
    public const string JobsWrite = "jobs.write";
    public const string ProjectsRead = "projects.read";
    /// <summary>Pledging projects and recording their deliveries.</summary>
    public const string ProjectsWrite = "projects.write";
    public const string LoansRead = "loans.read";
    /// <summary>Loan schemes, lenders and risk-fund deposits; applying for loans and recording what the lender reports (disbursement, repayment, overdue, default).</summary>
    public const string LoansWrite = "loans.write";
    /// <summary>Deciding on loans: approve or reject an application, pay a default's claim from the risk fund.</summary>
    public const string LoansApprove = "loans.approve";
    /// <summary>Payment batches of the subsidy ledger: reading them, their rows and exports.</summary>
    public const string BatchesRead = "batches.read";
    /// <summary>Building, cancelling, exporting payment batches and marking them paid.</summary>
    public const string BatchesWrite = "batches.write";
    /// <summary>Approving payment batches (never one's own).</summary>
    public const string BatchesApprove = "batches.approve";

    /// <summary>Reading the subsidy ledger (an enterprise person: its own employment rows).</summary>
    public const string SubsidiesRead = "subsidies.read";
    /// <summary>Starting subsidy runs (interest settlement, employment accrual) for a county.</summary>
    public const string SubsidiesRun = "subsidies.run";
    /// <summary>
    /// Correcting ledger rows by hand (a new row with the difference). Apart from <see cref="SubsidiesRun"/>: a system
    /// that starts the runs, which compute by the rules, is not thereby trusted to set amounts.
    /// </summary>
    public const string SubsidiesCorrect = "subsidies.correct";

    /// <summary>Reading the long-running operations the client started itself.</summary>
    public const string OperationsRead = "operations.read";
    public const string NotificationsRead = "notifications.read";
    /// <summary>Marking notifications read.</summary>
    public const string NotificationsWrite = "notifications.write";

    /// <summary>Reading a county's contact-duty policy and its revisions.</summary>
    public const string DutiesRead = "duties.read";
    /// <summary>Changing a county's contact-duty policy.</summary>
    public const string DutiesWrite = "duties.write";
    /// <summary>Reading contact records of cadres with their households, their revisions and photos.</summary>
    public const string ContactsRead = "contacts.read";
    /// <summary>Recording contacts, correcting them (their author, within the correction window) and adding photos.</summary>
    public const string ContactsWrite = "contacts.write";
    /// <summary>Reading problems raised on households and their history.</summary>
    public const string ProblemsRead = "problems.read";
    /// <summary>Raising, assigning, solving and reopening problems.</summary>
    public const string ProblemsWrite = "problems.write";
    /// <summary>Reading help plans, their history, and the households needing help with no plan.</summary>
    public const string PlansRead = "plans.read";
    /// <summary>Writing and changing help plans and moving their items' states.</summary>
    public const string PlansWrite = "plans.write";
    /// <summary>Reading exit assessments, targets and progress.</summary>
    public const string ExitsRead = "exits.read";
    /// <summary>Writing exit assessments and setting targets.</summary>
    public const string ExitsWrite = "exits.write";
    /// <summary>
    /// Confirming exits (the town's or the county's step). Apart from <see cref="ExitsWrite"/>: an exit lifts a household
    /// out of poverty, so a system that records assessments is not thereby trusted to confirm them.
    /// </summary>
    public const string ExitsConfirm = "exits.confirm";

    // Yearly delivery statements (docs/commendations.md, "Statements").
    /// <summary>Reading yearly delivery statements: an enterprise its own, county staff and auditors their county's.</summary>
    public const string StatementsRead = "statements.read";
    /// <summary>Issuing a year's statements and reissuing one (a new number that supersedes the old).</summary>
    public const string StatementsWrite = "statements.write";
    /// <summary>
    /// VerifyStatement only (the tax bureau's systems): whether a number and an amount match, and whether that statement is
    /// current. A client holding only this learns nothing else about an enterprise.
    /// </summary>
    public const string StatementsVerify = "statements.verify";

    /// <summary>Reading commendation schemes, rounds, standings and awards (each within reach: an enterprise its own).</summary>
    public const string CommendationsRead = "commendations.read";
    /// <summary>Changing commendation schemes; opening, computing and reviewing (excluding from) rounds.</summary>
    public const string CommendationsWrite = "commendations.write";
    /// <summary>Confirming and publishing rounds: a second person, never the one who computed or excluded.</summary>
    public const string CommendationsApprove = "commendations.approve";
    /// <summary>Machine clients only: CheckPreference (whether an enterprise holds a benefit on a date), nothing else.</summary>
    public const string PreferencesCheck = "preferences.check";

    // The relapse watch (docs/relapse.md).
    /// <summary>Reading relapse watches (their triggers and measures) and the monitoring lines.</summary>
    public const string RelapseRead = "relapse.read";
    /// <summary>Recording measures, clearing a risk or returning a household to poverty, setting monitoring lines.</summary>
    public const string RelapseWrite = "relapse.write";
    /// <summary>
    /// Recording relapse triggers (RecordRelapseTrigger), what other systems (medical insurance, civil affairs) are given:
    /// apart from <see cref="RelapseWrite"/>, so a system that reports a large bill is not thereby trusted to close a watch.
    /// </summary>
    public const string RelapseReport = "relapse.report";

    // Village industry (docs/industry.md).
    /// <summary>Reading village assignments, cooperatives, rent dues and the villages' industry figures.</summary>
    public const string IndustryRead = "industry.read";
    /// <summary>Stationing cadres, founding cooperatives, recording members, land contracts, rent payments and base employment.</summary>
    public const string IndustryWrite = "industry.write";

    // Provinces (docs/province.md).
    /// <summary>Reading a province's roll-ups across its counties (coverage, exit targets, loans, subsidies, enterprises).</summary>
    public const string ProvinceRead = "province.read";
    /// <summary>Recounting the coverage counters from the households themselves (and repairing them): an operator's check.</summary>
    public const string ProvinceAdmin = "province.admin";

    public static IReadOnlyList<string> All { get; } =
    [
        RegistryRead, RegistryWrite, HouseholdsRead, HouseholdsWrite, CadresRead, CadresWrite,
        PairingRead, PairingWrite, PersonalData, AuditRead, EnterprisesRead, EnterprisesWrite, EnterprisesApprove,
        LinkagesRead, LinkagesWrite, LinkagesApprove, JobsRead, JobsWrite, ProjectsRead, ProjectsWrite, LoansRead, LoansWrite, LoansApprove,
        SubsidiesRead, SubsidiesRun, SubsidiesCorrect, BatchesRead, BatchesWrite, BatchesApprove, OperationsRead, NotificationsRead, NotificationsWrite,
        DutiesRead, DutiesWrite,
        ContactsRead, ContactsWrite,
        ProblemsRead, ProblemsWrite, PlansRead, PlansWrite,
        StatementsRead, StatementsWrite, StatementsVerify,
        CommendationsRead, CommendationsWrite, CommendationsApprove, PreferencesCheck,
        ExitsRead, ExitsWrite, ExitsConfirm,
        RelapseRead, RelapseWrite, RelapseReport,
        IndustryRead, IndustryWrite,
        ProvinceRead, ProvinceAdmin,
    ];

    /// <summary>
    /// The scopes whose RPCs admit no person's role: other systems' single checks (VerifyStatement, CheckPreference: a
    /// client holding only them learns nothing else) and the operators' counter repair (RecountCoverage).
    /// </summary>
    public static IReadOnlyList<string> MachineOnly { get; } = [StatementsVerify, PreferencesCheck, ProvinceAdmin];

    public static bool IsKnown(string scope) => All.Contains(scope);
}

/// <summary>Roles of people who sign in.</summary>
public static class Roles
{
    public const string CountyAdmin = "county_admin";
    public const string TownOfficer = "town_officer";
    public const string Cadre = "cadre";
    public const string EnterpriseUser = "enterprise_user";
    public const string Auditor = "auditor";
    /// <summary>Province staff (省扶贫办): read-only, the roll-ups of their province's counties; no county records, no personal data.</summary>
    public const string ProvinceOfficer = "province_officer";

    /// <summary>The roles of a county's people (what a county's RPCs admit at most).</summary>
    public static IReadOnlyList<string> OfCounty { get; } = [CountyAdmin, TownOfficer, Cadre, EnterpriseUser, Auditor];

    public static IReadOnlyList<string> All { get; } = [.. OfCounty, ProvinceOfficer];
}

/// <summary>Who may read ID-card numbers and phones in full (on request, with a reason, audited).</summary>
public static class PersonalDataPermission
{
    /// <summary>
    /// People whose work needs the numbers: county and town staff (verifying cards, loans), and cadres (calling
    /// and visiting their households), each within their reach. Auditors and enterprise users see them masked.
    /// </summary>
    public static IReadOnlySet<string> Roles { get; } = new HashSet<string> { Access.Roles.CountyAdmin, Access.Roles.TownOfficer, Access.Roles.Cadre };

    public const int MaxReasonLength = 200;
}
