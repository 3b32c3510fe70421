using Boyi.Domain.Access;

namespace Boyi.Server.Auth;

/// <summary>
/// Who may call an RPC: machine clients holding <see cref="Scope"/>, people holding one of <see cref="Roles"/>.
/// Which objects they reach is decided further in (town officers their town, cadres their households).
/// </summary>
public sealed record RpcPolicy(string? Scope, IReadOnlyList<string> Roles, bool Anonymous = false)
{
    public static RpcPolicy Open { get; } = new(null, [], Anonymous: true);
}

/// <summary>
/// Every RPC's policy, in one table: the authorisation matrix of the API. An RPC not listed here is refused,
/// and a test checks that every method of every service is listed.
/// </summary>
public static class RpcPolicies
{
    private static readonly string[] Staff = [Roles.CountyAdmin, Roles.TownOfficer];
    private static readonly string[] StaffAndCadres = [Roles.CountyAdmin, Roles.TownOfficer, Roles.Cadre];
    /// <summary>Every role of a county (province staff are admitted only where named: the registry's reads and the province's roll-ups).</summary>
    private static readonly string[] Everyone = [.. Roles.OfCounty];
    private static readonly string[] EveryoneAndProvince = [.. Roles.All];
    private static readonly string[] Admin = [Roles.CountyAdmin];
    private static readonly string[] EnterpriseActors = [Roles.CountyAdmin, Roles.EnterpriseUser];
    private static readonly string[] EnterpriseReaders = [Roles.CountyAdmin, Roles.TownOfficer, Roles.EnterpriseUser, Roles.Auditor];
    private static readonly string[] CountyReaders = [Roles.CountyAdmin, Roles.Auditor];
    /// <summary>Everyone who works with households in a county: staff, cadres and auditors (loans, duties, contacts, problems, plans).</summary>
    private static readonly string[] CountyWorkers = [Roles.CountyAdmin, Roles.TownOfficer, Roles.Cadre, Roles.Auditor];

    private static readonly Dictionary<string, RpcPolicy> ByMethod = new(StringComparer.Ordinal)
    {
        // Registry: towns and villages are public knowledge to every signed-in role (enterprises pick villages).
        ["/boyi.v1.RegistryService/CreateCounty"] = new(Scopes.RegistryWrite, Admin),
        ["/boyi.v1.RegistryService/GetCounty"] = new(Scopes.RegistryRead, EveryoneAndProvince),
        ["/boyi.v1.RegistryService/ListCounties"] = new(Scopes.RegistryRead, EveryoneAndProvince),
        ["/boyi.v1.RegistryService/GetProvince"] = new(Scopes.RegistryRead, EveryoneAndProvince),
        ["/boyi.v1.RegistryService/ListProvinces"] = new(Scopes.RegistryRead, EveryoneAndProvince),
        ["/boyi.v1.RegistryService/CreateTown"] = new(Scopes.RegistryWrite, Admin),
        ["/boyi.v1.RegistryService/GetTown"] = new(Scopes.RegistryRead, EveryoneAndProvince),
        ["/boyi.v1.RegistryService/ListTowns"] = new(Scopes.RegistryRead, EveryoneAndProvince),
        ["/boyi.v1.RegistryService/UpdateTown"] = new(Scopes.RegistryWrite, Admin),
        ["/boyi.v1.RegistryService/CreateVillage"] = new(Scopes.RegistryWrite, Admin),
        ["/boyi.v1.RegistryService/GetVillage"] = new(Scopes.RegistryRead, EveryoneAndProvince),
        ["/boyi.v1.RegistryService/ListVillages"] = new(Scopes.RegistryRead, EveryoneAndProvince),
        ["/boyi.v1.RegistryService/UpdateVillage"] = new(Scopes.RegistryWrite, Staff),

        // Households: staff (town officers in their town) and cadres (their own households) read; staff write.
        ["/boyi.v1.HouseholdService/CreateHousehold"] = new(Scopes.HouseholdsWrite, Staff),
        ["/boyi.v1.HouseholdService/GetHousehold"] = new(Scopes.HouseholdsRead, StaffAndCadres),
        ["/boyi.v1.HouseholdService/ListHouseholds"] = new(Scopes.HouseholdsRead, StaffAndCadres),
        ["/boyi.v1.HouseholdService/UpdateHousehold"] = new(Scopes.HouseholdsWrite, Staff),
        ["/boyi.v1.HouseholdService/DeleteHousehold"] = new(Scopes.HouseholdsWrite, Staff),
        ["/boyi.v1.HouseholdService/UndeleteHousehold"] = new(Scopes.HouseholdsWrite, Staff),
        ["/boyi.v1.HouseholdService/ChangeHouseholdStatus"] = new(Scopes.HouseholdsWrite, Staff),
        ["/boyi.v1.HouseholdService/ListHouseholdStatusChanges"] = new(Scopes.HouseholdsRead, StaffAndCadres),
        ["/boyi.v1.HouseholdService/ImportHouseholds"] = new(Scopes.HouseholdsWrite, Admin),
        ["/boyi.v1.HouseholdService/ExportHouseholds"] = new(Scopes.HouseholdsRead, Staff),
        // Masked profiles of households needing help (no full name, ID number or phone): enterprises choose whom to help.
        ["/boyi.v1.HouseholdService/ListHouseholdProfiles"] = new(Scopes.HouseholdsRead, [Roles.CountyAdmin, Roles.TownOfficer, Roles.EnterpriseUser]),

        ["/boyi.v1.CadreService/CreateCadre"] = new(Scopes.CadresWrite, Admin),
        ["/boyi.v1.CadreService/GetCadre"] = new(Scopes.CadresRead, StaffAndCadres),
        ["/boyi.v1.CadreService/ListCadres"] = new(Scopes.CadresRead, Staff),
        ["/boyi.v1.CadreService/UpdateCadre"] = new(Scopes.CadresWrite, Admin),

        ["/boyi.v1.PairingService/CreatePairing"] = new(Scopes.PairingWrite, Staff),
        ["/boyi.v1.PairingService/GetPairing"] = new(Scopes.PairingRead, StaffAndCadres),
        ["/boyi.v1.PairingService/ListPairings"] = new(Scopes.PairingRead, StaffAndCadres),
        ["/boyi.v1.PairingService/EndPairing"] = new(Scopes.PairingWrite, Staff),
        ["/boyi.v1.PairingService/GetPairingPolicy"] = new(Scopes.PairingRead, Everyone),
        ["/boyi.v1.PairingService/UpdatePairingPolicy"] = new(Scopes.PairingWrite, Admin),
        // Aggregates only (households needing help, paired, unpaired): enterprises see their county's to choose villages.
        ["/boyi.v1.PairingService/GetCoverage"] = new(Scopes.PairingRead, [Roles.CountyAdmin, Roles.TownOfficer, Roles.EnterpriseUser, Roles.Auditor]),
        ["/boyi.v1.PairingService/ListUncoveredHouseholds"] = new(Scopes.PairingRead, Staff),
        ["/boyi.v1.PairingService/CreatePairingProposal"] = new(Scopes.PairingWrite, Staff),
        ["/boyi.v1.PairingService/GetPairingProposal"] = new(Scopes.PairingRead, Staff),
        ["/boyi.v1.PairingService/AcceptPairingProposal"] = new(Scopes.PairingWrite, Staff),

        // Contact duties: the county's policy is read by everyone who works with it in the county (staff, cadres, auditors)
        // and set by county administrators.
        ["/boyi.v1.DutyPolicyService/GetDutyPolicy"] = new(Scopes.DutiesRead, CountyWorkers),
        ["/boyi.v1.DutyPolicyService/UpdateDutyPolicy"] = new(Scopes.DutiesWrite, Admin),
        ["/boyi.v1.DutyPolicyService/ListDutyPolicyRevisions"] = new(Scopes.DutiesRead, CountyWorkers),

        // Long-running operations: anyone may ask after the operations they started themselves (others' are NOT_FOUND).
        // Deleting, cancelling and waiting answer UNIMPLEMENTED (NOT_SUPPORTED); listed so that they answer that, not PERMISSION_DENIED.
        ["/google.longrunning.Operations/GetOperation"] = new(Scopes.OperationsRead, Everyone),
        ["/google.longrunning.Operations/ListOperations"] = new(Scopes.OperationsRead, Everyone),
        ["/google.longrunning.Operations/DeleteOperation"] = new(Scopes.OperationsRead, Everyone),
        ["/google.longrunning.Operations/CancelOperation"] = new(Scopes.OperationsRead, Everyone),
        ["/google.longrunning.Operations/WaitOperation"] = new(Scopes.OperationsRead, Everyone),

        // Notifications: each person their own (to them, their enterprise, their role in their area); clients have none.
        ["/boyi.v1.NotificationService/ListNotifications"] = new(Scopes.NotificationsRead, Everyone),
        ["/boyi.v1.NotificationService/MarkNotificationRead"] = new(Scopes.NotificationsWrite, Everyone),

        // The audit log: auditors only (separation of duties: the administrators whose actions it records do not read it).
        ["/boyi.v1.AuditService/ListAuditEvents"] = new(Scopes.AuditRead, [Roles.Auditor]),
        ["/boyi.v1.AuditService/VerifyAuditChain"] = new(Scopes.AuditRead, [Roles.Auditor]),

        // Enterprises: registered by county staff or the portal's client, decided by county staff; an enterprise user
        // reaches only their own enterprise.
        ["/boyi.v1.EnterpriseService/RegisterEnterprise"] = new(Scopes.EnterprisesWrite, Admin),
        ["/boyi.v1.EnterpriseService/GetEnterprise"] = new(Scopes.EnterprisesRead, EnterpriseReaders),
        ["/boyi.v1.EnterpriseService/ListEnterprises"] = new(Scopes.EnterprisesRead, EnterpriseReaders),
        ["/boyi.v1.EnterpriseService/ApproveEnterprise"] = new(Scopes.EnterprisesApprove, Admin),
        ["/boyi.v1.EnterpriseService/RejectEnterprise"] = new(Scopes.EnterprisesApprove, Admin),
        ["/boyi.v1.EnterpriseService/SuspendEnterprise"] = new(Scopes.EnterprisesApprove, Admin),
        ["/boyi.v1.EnterpriseService/ListEnterpriseStatusChanges"] = new(Scopes.EnterprisesRead, EnterpriseReaders),
        // The county's directory of approved partners (names, towns, industries only): whom an enterprise may invite.
        ["/boyi.v1.EnterpriseService/ListPartnerEnterprises"] = new(Scopes.EnterprisesRead, EnterpriseReaders),

        // Linkages: proposed and run by enterprises (or county staff for them), decided by county staff or, for targets
        // all in their town, town staff; which linkage each reaches is decided in the service.
        ["/boyi.v1.LinkageService/ProposeLinkage"] = new(Scopes.LinkagesWrite, EnterpriseActors),
        ["/boyi.v1.LinkageService/GetLinkage"] = new(Scopes.LinkagesRead, EnterpriseReaders),
        ["/boyi.v1.LinkageService/ListLinkages"] = new(Scopes.LinkagesRead, EnterpriseReaders),
        ["/boyi.v1.LinkageService/ApproveLinkage"] = new(Scopes.LinkagesApprove, Staff),
        ["/boyi.v1.LinkageService/RejectLinkage"] = new(Scopes.LinkagesApprove, Staff),
        ["/boyi.v1.LinkageService/ActivateLinkage"] = new(Scopes.LinkagesWrite, EnterpriseActors),
        ["/boyi.v1.LinkageService/CompleteLinkage"] = new(Scopes.LinkagesWrite, EnterpriseActors),
        ["/boyi.v1.LinkageService/TerminateLinkage"] = new(Scopes.LinkagesWrite, EnterpriseActors),
        ["/boyi.v1.LinkageService/AnswerLinkageInvitation"] = new(Scopes.LinkagesWrite, [Roles.EnterpriseUser]),
        ["/boyi.v1.LinkageService/ListLinkageStatusChanges"] = new(Scopes.LinkagesRead, EnterpriseReaders),
        // The county-wide feed: other systems, county staff and auditors (a town or an enterprise sees only its part).
        ["/boyi.v1.LinkageService/WatchChanges"] = new(Scopes.LinkagesRead, [Roles.CountyAdmin, Roles.Auditor]),

        // Jobs: offered by enterprises (or county staff for them); candidates are shown masked.
        ["/boyi.v1.JobService/PostJob"] = new(Scopes.JobsWrite, EnterpriseActors),
        ["/boyi.v1.JobService/GetJob"] = new(Scopes.JobsRead, EnterpriseReaders),
        ["/boyi.v1.JobService/ListJobs"] = new(Scopes.JobsRead, EnterpriseReaders),
        ["/boyi.v1.JobService/CloseJob"] = new(Scopes.JobsWrite, EnterpriseActors),
        ["/boyi.v1.JobService/ListJobCandidates"] = new(Scopes.JobsRead, EnterpriseActors),
        ["/boyi.v1.JobService/CreatePlacement"] = new(Scopes.JobsWrite, EnterpriseActors),
        ["/boyi.v1.JobService/ListPlacements"] = new(Scopes.JobsRead, EnterpriseReaders),
        ["/boyi.v1.JobService/EndPlacement"] = new(Scopes.JobsWrite, EnterpriseActors),

        // Projects and totals: pledged and delivered by enterprises; totals for every reader, of what they reach.
        ["/boyi.v1.ProjectService/CreateProject"] = new(Scopes.ProjectsWrite, EnterpriseActors),
        ["/boyi.v1.ProjectService/GetProject"] = new(Scopes.ProjectsRead, EnterpriseReaders),
        ["/boyi.v1.ProjectService/ListProjects"] = new(Scopes.ProjectsRead, EnterpriseReaders),
        ["/boyi.v1.ProjectService/RecordDelivery"] = new(Scopes.ProjectsWrite, EnterpriseActors),
        ["/boyi.v1.ProjectService/ListDeliveries"] = new(Scopes.ProjectsRead, EnterpriseReaders),
        ["/boyi.v1.ProjectService/GetPartnershipTotals"] = new(Scopes.ProjectsRead, EnterpriseReaders),

        // Loans: schemes are the county's data (read by every role of the county, set by county admins); lenders and their
        // risk funds are county staff's, cadres and auditors read them; a loan is applied for by the household's cadre or
        // staff, decided by county admins (loans.approve), and what the lender reports is recorded by county admins or the
        // lender's system (loans.write). Which loan each reaches is decided in the service: a town officer their town, a
        // cadre their paired households, an enterprise the loans it guarantees.
        ["/boyi.v1.LoanService/CreateLoanScheme"] = new(Scopes.LoansWrite, Admin),
        ["/boyi.v1.LoanService/GetLoanScheme"] = new(Scopes.LoansRead, Everyone),
        ["/boyi.v1.LoanService/ListLoanSchemes"] = new(Scopes.LoansRead, Everyone),
        ["/boyi.v1.LoanService/UpdateLoanScheme"] = new(Scopes.LoansWrite, Admin),
        ["/boyi.v1.LoanService/CreateLender"] = new(Scopes.LoansWrite, Admin),
        ["/boyi.v1.LoanService/GetLender"] = new(Scopes.LoansRead, CountyWorkers),
        ["/boyi.v1.LoanService/ListLenders"] = new(Scopes.LoansRead, CountyWorkers),
        ["/boyi.v1.LoanService/DepositRiskFund"] = new(Scopes.LoansWrite, Admin),
        ["/boyi.v1.LoanService/ListRiskFundEntries"] = new(Scopes.LoansRead, [Roles.CountyAdmin, Roles.Auditor]),
        ["/boyi.v1.LoanService/CreateLoan"] = new(Scopes.LoansWrite, StaffAndCadres),
        ["/boyi.v1.LoanService/GetLoan"] = new(Scopes.LoansRead, Everyone),
        ["/boyi.v1.LoanService/ListLoans"] = new(Scopes.LoansRead, Everyone),
        ["/boyi.v1.LoanService/ListLoanEvents"] = new(Scopes.LoansRead, Everyone),
        ["/boyi.v1.LoanService/ApproveLoan"] = new(Scopes.LoansApprove, Admin),
        ["/boyi.v1.LoanService/RejectLoan"] = new(Scopes.LoansApprove, Admin),
        ["/boyi.v1.LoanService/DisburseLoan"] = new(Scopes.LoansWrite, Admin),
        ["/boyi.v1.LoanService/RepayLoan"] = new(Scopes.LoansWrite, Admin),
        ["/boyi.v1.LoanService/MarkLoanOverdue"] = new(Scopes.LoansWrite, Admin),
        ["/boyi.v1.LoanService/DefaultLoan"] = new(Scopes.LoansWrite, Admin),
        ["/boyi.v1.LoanService/CompensateLoan"] = new(Scopes.LoansApprove, Admin),
        // Dividends of entrusted loans: the enterprise that owes them, and county staff, record their payment.
        ["/boyi.v1.LoanService/ListDividends"] = new(Scopes.LoansRead, EnterpriseReaders),
        ["/boyi.v1.LoanService/RecordDividendPayment"] = new(Scopes.LoansWrite, EnterpriseActors),
        // Borrowers' interest: county staff and auditors see a county's, the enterprise of record what it pays (and records it).
        ["/boyi.v1.LoanService/ListInterestDues"] = new(Scopes.LoansRead, [Roles.CountyAdmin, Roles.EnterpriseUser, Roles.Auditor]),
        ["/boyi.v1.LoanService/RecordInterestPayment"] = new(Scopes.LoansWrite, EnterpriseActors),

        // Subsidies: county admins start runs (the recurring jobs run them anyway) and correct rows; county staff and auditors read their
        // county's ledger; an enterprise reads only its own employment rows (narrowed in the service).
        ["/boyi.v1.SubsidyService/StartSubsidyRun"] = new(Scopes.SubsidiesRun, Admin),
        ["/boyi.v1.SubsidyService/CorrectSubsidyRow"] = new(Scopes.SubsidiesCorrect, Admin),
        ["/boyi.v1.SubsidyService/ListSubsidyRows"] = new(Scopes.SubsidiesRead, [Roles.CountyAdmin, Roles.Auditor, Roles.EnterpriseUser]),
        ["/boyi.v1.SubsidyService/GetSubsidyRow"] = new(Scopes.SubsidiesRead, [Roles.CountyAdmin, Roles.Auditor, Roles.EnterpriseUser]),
        // Payment batches: county admins build, approve (never their own: checked in the service), export and mark paid;
        // auditors read. Other roles and other counties see none.
        ["/boyi.v1.PaymentBatchService/CreatePaymentBatch"] = new(Scopes.BatchesWrite, Admin),
        ["/boyi.v1.PaymentBatchService/GetPaymentBatch"] = new(Scopes.BatchesRead, CountyReaders),
        ["/boyi.v1.PaymentBatchService/ListPaymentBatches"] = new(Scopes.BatchesRead, CountyReaders),
        ["/boyi.v1.PaymentBatchService/ListPaymentBatchRows"] = new(Scopes.BatchesRead, CountyReaders),
        ["/boyi.v1.PaymentBatchService/ApprovePaymentBatch"] = new(Scopes.BatchesApprove, Admin),
        ["/boyi.v1.PaymentBatchService/CancelPaymentBatch"] = new(Scopes.BatchesWrite, Admin),
        ["/boyi.v1.PaymentBatchService/ExportPaymentBatch"] = new(Scopes.BatchesWrite, Admin),
        ["/boyi.v1.PaymentBatchService/GetPaymentBatchExport"] = new(Scopes.BatchesRead, CountyReaders),
        ["/boyi.v1.PaymentBatchService/MarkPaymentBatchPaid"] = new(Scopes.BatchesWrite, Admin),

        // Contact records: the household's cadre (paired now), town officers for their town and county admins for their
        // county write; auditors read their county; which records each reaches is decided in the service. Corrections
        // and photos are the record's author's only (checked in the store).
        ["/boyi.v1.ContactService/CreateContactRecord"] = new(Scopes.ContactsWrite, StaffAndCadres),
        ["/boyi.v1.ContactService/GetContactRecord"] = new(Scopes.ContactsRead, CountyWorkers),
        ["/boyi.v1.ContactService/ListContactRecords"] = new(Scopes.ContactsRead, CountyWorkers),
        ["/boyi.v1.ContactService/UpdateContactRecord"] = new(Scopes.ContactsWrite, StaffAndCadres),
        ["/boyi.v1.ContactService/ListContactRecordRevisions"] = new(Scopes.ContactsRead, CountyWorkers),
        ["/boyi.v1.ContactService/AddContactPhoto"] = new(Scopes.ContactsWrite, StaffAndCadres),
        ["/boyi.v1.ContactService/GetContactPhoto"] = new(Scopes.ContactsRead, CountyWorkers),
        // Household events are written like contact records (the cadre paired now, town and county staff) and read by
        // everyone who reads them; compliance is read by the county's staff, cadres (their own pairings) and auditors.
        ["/boyi.v1.ComplianceService/CreateHouseholdEvent"] = new(Scopes.ContactsWrite, StaffAndCadres),
        ["/boyi.v1.ComplianceService/ListHouseholdEvents"] = new(Scopes.ContactsRead, CountyWorkers),
        ["/boyi.v1.ComplianceService/GetComplianceReport"] = new(Scopes.DutiesRead, CountyWorkers),
        ["/boyi.v1.ComplianceService/ListOverdueDuties"] = new(Scopes.DutiesRead, CountyWorkers),
        ["/boyi.v1.ComplianceService/GetContactFigures"] = new(Scopes.DutiesRead, CountyWorkers),

        // Problems: raised (and reopened) by the household's cadre (paired now) or staff of its area; assigned and solved by
        // staff (town officers in their town, county admins in their county); auditors read. Which problems each reaches is
        // decided in the service.
        ["/boyi.v1.ProblemService/RaiseProblem"] = new(Scopes.ProblemsWrite, StaffAndCadres),
        ["/boyi.v1.ProblemService/GetProblem"] = new(Scopes.ProblemsRead, CountyWorkers),
        ["/boyi.v1.ProblemService/ListProblems"] = new(Scopes.ProblemsRead, CountyWorkers),
        ["/boyi.v1.ProblemService/AssignProblem"] = new(Scopes.ProblemsWrite, Staff),
        ["/boyi.v1.ProblemService/SolveProblem"] = new(Scopes.ProblemsWrite, Staff),
        ["/boyi.v1.ProblemService/ReopenProblem"] = new(Scopes.ProblemsWrite, StaffAndCadres),
        ["/boyi.v1.ProblemService/ListProblemRevisions"] = new(Scopes.ProblemsRead, CountyWorkers),

        // Help plans: written by the household's cadre or staff of its area, read by auditors too; the gap list (households
        // with no plan) is the staff's and auditors' (a cadre sees their own households' plans).
        ["/boyi.v1.HelpPlanService/CreateHelpPlan"] = new(Scopes.PlansWrite, StaffAndCadres),
        ["/boyi.v1.HelpPlanService/GetHelpPlan"] = new(Scopes.PlansRead, CountyWorkers),
        ["/boyi.v1.HelpPlanService/ListHelpPlans"] = new(Scopes.PlansRead, CountyWorkers),
        ["/boyi.v1.HelpPlanService/UpdateHelpPlan"] = new(Scopes.PlansWrite, StaffAndCadres),
        ["/boyi.v1.HelpPlanService/UpdateHelpPlanItemState"] = new(Scopes.PlansWrite, StaffAndCadres),
        ["/boyi.v1.HelpPlanService/ListHelpPlanRevisions"] = new(Scopes.PlansRead, CountyWorkers),
        ["/boyi.v1.HelpPlanService/ListHelpPlanGaps"] = new(Scopes.PlansRead, [Roles.CountyAdmin, Roles.TownOfficer, Roles.Auditor]),
        // Contact cards: a cadre records their own households' cards, town officers their town's, county admins their county's.
        ["/boyi.v1.ContactService/RecordContactCardsIssued"] = new(Scopes.ContactsWrite, StaffAndCadres),
        ["/boyi.v1.ContactService/ListContactCardIssues"] = new(Scopes.ContactsRead, CountyWorkers),

        // Yearly delivery statements: the enterprise reads its own, county administrators and auditors their county's;
        // county administrators issue and reissue; VerifyStatement is for other systems' clients only (statements.verify),
        // and answers nothing about the enterprise.
        ["/boyi.v1.StatementService/ListStatements"] = new(Scopes.StatementsRead, [Roles.CountyAdmin, Roles.EnterpriseUser, Roles.Auditor]),
        ["/boyi.v1.StatementService/GetStatement"] = new(Scopes.StatementsRead, [Roles.CountyAdmin, Roles.EnterpriseUser, Roles.Auditor]),
        ["/boyi.v1.StatementService/IssueStatements"] = new(Scopes.StatementsWrite, Admin),
        ["/boyi.v1.StatementService/ReissueStatement"] = new(Scopes.StatementsWrite, Admin),
        ["/boyi.v1.StatementService/VerifyStatement"] = new(Scopes.StatementsVerify, []),
        // Commendations: everyone of the county (cadres too: the scheme is public to the county, issue 13) reads its scheme
        // and its revisions, province staff none (they read no county's records); county admins change it and run rounds,
        // a second one confirms and publishes (never the one who computed or excluded: checked in the store); staff,
        // auditors and the county's enterprises read rounds (an enterprise its own standing and explanation, and a
        // published round's ranking); CheckPreference is for machine clients with preferences.check only (no person's role).
        ["/boyi.v1.CommendationService/GetCommendationScheme"] = new(Scopes.CommendationsRead, Everyone),
        ["/boyi.v1.CommendationService/UpdateCommendationScheme"] = new(Scopes.CommendationsWrite, Admin),
        ["/boyi.v1.CommendationService/ListCommendationSchemeRevisions"] = new(Scopes.CommendationsRead, Everyone),
        ["/boyi.v1.CommendationService/OpenCommendationRound"] = new(Scopes.CommendationsWrite, Admin),
        ["/boyi.v1.CommendationService/ComputeCommendationRound"] = new(Scopes.CommendationsWrite, Admin),
        ["/boyi.v1.CommendationService/GetCommendationRound"] = new(Scopes.CommendationsRead, EnterpriseReaders),
        ["/boyi.v1.CommendationService/ListCommendationRounds"] = new(Scopes.CommendationsRead, EnterpriseReaders),
        ["/boyi.v1.CommendationService/ListCommendationStandings"] = new(Scopes.CommendationsRead, EnterpriseReaders),
        ["/boyi.v1.CommendationService/ExplainCommendationStanding"] = new(Scopes.CommendationsRead, EnterpriseReaders),
        ["/boyi.v1.CommendationService/ExcludeFromCommendationRound"] = new(Scopes.CommendationsWrite, Admin),
        ["/boyi.v1.CommendationService/ConfirmCommendationRound"] = new(Scopes.CommendationsApprove, Admin),
        ["/boyi.v1.CommendationService/PublishCommendationRound"] = new(Scopes.CommendationsApprove, Admin),
        ["/boyi.v1.CommendationService/ListCommendationAwards"] = new(Scopes.CommendationsRead, EnterpriseReaders),
        ["/boyi.v1.CommendationService/CheckPreference"] = new(Scopes.PreferencesCheck, []),
        // Exits: a household is assessed by its cadre (paired now) or staff of its area, a village by staff; the town's
        // confirmation is a town officer's, the county's a county administrator's (which step each may take, and that the
        // two are different people, is checked in the service); targets are set by county administrators; progress is
        // read by staff and auditors.
        ["/boyi.v1.ExitService/CreateHouseholdExitAssessment"] = new(Scopes.ExitsWrite, StaffAndCadres),
        ["/boyi.v1.ExitService/GetHouseholdExitAssessment"] = new(Scopes.ExitsRead, CountyWorkers),
        ["/boyi.v1.ExitService/ListHouseholdExitAssessments"] = new(Scopes.ExitsRead, CountyWorkers),
        ["/boyi.v1.ExitService/UpdateHouseholdExitAssessment"] = new(Scopes.ExitsWrite, StaffAndCadres),
        ["/boyi.v1.ExitService/ConfirmHouseholdExit"] = new(Scopes.ExitsConfirm, Staff),
        ["/boyi.v1.ExitService/CreateVillageExitAssessment"] = new(Scopes.ExitsWrite, Staff),
        ["/boyi.v1.ExitService/GetVillageExitAssessment"] = new(Scopes.ExitsRead, [Roles.CountyAdmin, Roles.TownOfficer, Roles.Auditor]),
        ["/boyi.v1.ExitService/ListVillageExitAssessments"] = new(Scopes.ExitsRead, [Roles.CountyAdmin, Roles.TownOfficer, Roles.Auditor]),
        ["/boyi.v1.ExitService/UpdateVillageExitAssessment"] = new(Scopes.ExitsWrite, Staff),
        ["/boyi.v1.ExitService/ConfirmVillageExit"] = new(Scopes.ExitsConfirm, Staff),
        ["/boyi.v1.ExitService/UpdateExitTarget"] = new(Scopes.ExitsWrite, Admin),
        ["/boyi.v1.ExitService/GetExitProgress"] = new(Scopes.ExitsRead, [Roles.CountyAdmin, Roles.TownOfficer, Roles.Auditor]),
        ["/boyi.v1.ExitService/ListVillageExitStatus"] = new(Scopes.ExitsRead, [Roles.CountyAdmin, Roles.TownOfficer, Roles.Auditor]),
        // Relapse watch: triggers are recorded by the household's cadre (paired now) or staff of its area, or sent by other
        // systems holding relapse.report; measures by the same people; clearing and returning to poor are staff's; the
        // county's monitoring line is read by county administrators and auditors and set by county administrators.
        // Provinces (docs/province.md): roll-ups across a province's counties for its staff (their own province) and
        // machine clients; the recount of the counters is an operator's check (machine clients holding province.admin).
        ["/boyi.v1.ProvinceService/GetProvinceRollup"] = new(Scopes.ProvinceRead, [Roles.ProvinceOfficer]),
        ["/boyi.v1.ProvinceService/RecountCoverage"] = new(Scopes.ProvinceAdmin, []),
        ["/boyi.v1.RelapseService/RecordRelapseTrigger"] = new(Scopes.RelapseReport, StaffAndCadres),
        ["/boyi.v1.RelapseService/GetRelapseWatch"] = new(Scopes.RelapseRead, CountyWorkers),
        ["/boyi.v1.RelapseService/ListRelapseWatches"] = new(Scopes.RelapseRead, CountyWorkers),
        ["/boyi.v1.RelapseService/RecordRelapseMeasure"] = new(Scopes.RelapseWrite, StaffAndCadres),
        ["/boyi.v1.RelapseService/ClearRelapseRisk"] = new(Scopes.RelapseWrite, Staff),
        ["/boyi.v1.RelapseService/ReturnToPoverty"] = new(Scopes.RelapseWrite, Staff),
        ["/boyi.v1.RelapseService/GetRelapseMonitoringLine"] = new(Scopes.RelapseRead, CountyReaders),
        ["/boyi.v1.RelapseService/UpdateRelapseMonitoringLine"] = new(Scopes.RelapseWrite, Admin),

        // Village industry: staff of the village's area write; they, auditors and the cadres stationed in the village read; an
        // enterprise user reads the cooperatives tied to its linkages (docs/industry.md).
        ["/boyi.v1.IndustryService/AssignVillageCadre"] = new(Scopes.IndustryWrite, Staff),
        ["/boyi.v1.IndustryService/ListVillageAssignments"] = new(Scopes.IndustryRead, CountyWorkers),
        ["/boyi.v1.IndustryService/CreateCooperative"] = new(Scopes.IndustryWrite, Staff),
        ["/boyi.v1.IndustryService/GetCooperative"] = new(Scopes.IndustryRead, [.. CountyWorkers, Roles.EnterpriseUser]),
        ["/boyi.v1.IndustryService/ListCooperatives"] = new(Scopes.IndustryRead, [.. CountyWorkers, Roles.EnterpriseUser]),
        ["/boyi.v1.IndustryService/AddCooperativeMember"] = new(Scopes.IndustryWrite, Staff),
        ["/boyi.v1.IndustryService/LinkCooperative"] = new(Scopes.IndustryWrite, Staff),
        ["/boyi.v1.IndustryService/RecordLandContract"] = new(Scopes.IndustryWrite, Staff),
        ["/boyi.v1.IndustryService/ListRentDues"] = new(Scopes.IndustryRead, CountyWorkers),
        ["/boyi.v1.IndustryService/RecordRentPayment"] = new(Scopes.IndustryWrite, Staff),
        ["/boyi.v1.IndustryService/RecordBaseEmployment"] = new(Scopes.IndustryWrite, Staff),
        ["/boyi.v1.IndustryService/GetVillageIndustry"] = new(Scopes.IndustryRead, CountyWorkers),

        // Operations: load balancers probe health without a token; reflection describes the API, not its data.
        ["/grpc.health.v1.Health/Check"] = RpcPolicy.Open,
        ["/grpc.health.v1.Health/Watch"] = RpcPolicy.Open,
        ["/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] = RpcPolicy.Open,
        ["/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"] = RpcPolicy.Open,
    };

    /// <summary>The policy of a method (`/package.Service/Method`), or null: undeclared, so refused.</summary>
    public static RpcPolicy? For(string method) => ByMethod.GetValueOrDefault(method);

    public static IReadOnlyCollection<string> DeclaredMethods => ByMethod.Keys;
}
