/* Shapes of the plain objects ecr-core resolves with (ECR's camelCase JSON; timestamps are RFC 3339). */

/** A tag or a digest naming one image. */
export interface ImageId {
  imageDigest?: string
  imageTag?: string
}

/** A repository as DescribeRepositories reports it. */
export interface Repository {
  repositoryName: string
  repositoryArn: string
  registryId: string
  repositoryUri: string
  createdAt?: string
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION'
  imageTagMutabilityExclusionFilters: string[]
  scanOnPush: boolean
  encryptionType: string
  kmsKey?: string
}

/** One image as DescribeImages reports it. */
export interface ImageDetail {
  registryId?: string
  repositoryName?: string
  imageDigest: string
  imageTags: string[]
  imageSizeInBytes?: number
  imagePushedAt?: string
  imageManifestMediaType?: string
  artifactMediaType?: string
  lastRecordedPullTime?: string
  imageStatus: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'
  lastArchivedAt?: string
  lastActivatedAt?: string
  subjectManifestDigest?: string
}

/** Settings of a new repository; missing keys keep the recommended values. */
export interface RepositorySettings {
  tagMutability?: Repository['imageTagMutability']
  exclusionFilters?: string[]
  scanOnPush?: boolean
  kmsKey?: string | null
}

/** One problem of a policy document: its JSON path and what is wrong. */
export interface FieldError {
  path: string
  message: string
}

/** The errors ecr-core throws and rejects with. */
export interface EcrError extends Error {
  /** The stable error code (one of `errorCodes()`, or `"Internal"` for a bug in ecr-core). */
  code: string
  /** The AWS request id, when the service returned one. */
  requestId: string | null
  /** For `code === "PolicyValidation"`: every problem found. */
  errors?: FieldError[]
}

/* --- auth, tagging, verify --- */

/** `JSON.stringify` of `RegistryCredentials`: everything but the password. */
export interface RegistryCredentialsJson {
  host: string
  username: string
  password: '<redacted>'
  expiresAt: string
  proxyEndpoint: string | null
  region: string | null
}

/** What is known about the AWS credentials in use, without any secret. */
export interface AwsIdentity {
  source: string
  accessKeyKind: 'long-term' | 'temporary' | 'other'
  hasSessionToken: boolean
  expiresAt: string | null
}

/** What a docker config merge did. */
export interface MergeOutcome {
  /** The `auths` key written (the bare `host[:port]`). */
  key: string
  /** True when an entry under that key was replaced. */
  replaced: boolean
  /** `credHelpers.<host> = ...` or `credsStore = ...` when docker would use that instead. */
  shadowedBy: string | null
}

/** A build context (`BuildContext` JSON): commit, git ref, event, default branch, build number, times. */
export interface BuildContext {
  sha?: string
  ref?: string
  event?: 'push' | 'pull_request' | 'schedule' | 'workflow_dispatch' | string
  defaultBranch?: string
  isDefaultBranch?: boolean
  headRef?: string
  baseRef?: string
  buildNumber?: string
  created?: string
  commitDate?: string
  source?: string
  title?: string
  description?: string
  licenses?: string
  ci?: string
}

/** A tag policy document. */
export interface TagPolicy {
  name?: string
  forbidLatest?: boolean
  requireImmutableTag?: boolean
  forbidRollingTags?: boolean
  forbiddenTags?: string[]
  maxTagsPerImage?: number
}

/** One finding of a tag plan check. */
export interface TagViolation {
  code: string
  message: string
  tag?: string | null
}

/** A checked tag plan: exactly the `tag_plan` program's JSON. */
export interface PlanReport {
  tags: Array<{ value: string; kind: 'immutable' | 'rolling'; rule: string }>
  labels: Record<string, string>
  violations: TagViolation[]
  warnings: TagViolation[]
}

/** What the tag checks read from a repository. */
export interface RepositoryTagState {
  mutability?: Repository['imageTagMutability']
  exclusionFilters: string[]
  imageDetails?: ImageDetail[]
}

/** One check of a verification or audit report. */
export interface CheckResult {
  check: string
  level: 'required' | 'warn' | 'skip'
  status: 'passed' | 'failed' | 'warned' | 'skipped'
  message: string
  details?: unknown
}

/** A verification or audit report (the `verify_push` / `audit_repository` programs' JSON). */
export interface VerifyReport {
  subject: string
  passed: boolean
  checks: CheckResult[]
}

/** A platform manifest of an index. */
export interface PlatformDigest {
  platform: string
  digest: string
}

/** What `verifyPush` resolves with. */
export interface PushVerification {
  report: VerifyReport
  mediaType: string | null
  platforms: PlatformDigest[]
}

/** Every repository's audit. */
export interface AuditReport {
  passed: boolean
  repositories: VerifyReport[]
}

/** What `ensureRepository` ensures; missing keys keep the defaults. */
export interface EnsureOptions {
  settings?: RepositorySettings
  lifecyclePolicy?: string | null
  apply?: boolean
}

/** What `ensureRepository` did. */
export interface EnsureOutcome {
  repository: Repository
  created: boolean
  drift: Array<{ setting: string; expected: string; actual: string; fixed: boolean }>
}

/** The replication status of an image in one destination. */
export interface ReplicationStatus {
  region: string
  registryId: string
  status: string
  failureCode?: string | null
}

/** An in-toto Statement v1 build record. */
export interface BuildRecord {
  _type: string
  subject: Array<{ name: string; digest: Record<string, string> }>
  predicateType: string
  predicate: Record<string, unknown>
}

/** A repository-policy statement the audit flags. */
export interface PolicyFinding {
  statement: string
  principal: string
  actions: string[]
  message: string
}
/* scan + lifecycle */

/** The `scan_gate` program's JSON report (schema `ecr-core/scan-gate-report/v1`). */
export interface ScanGateReport {
  schema: string
  generator: { name: string; version: string }
  passed: boolean
  evaluatedAt: string
  reasons: Array<{ code: string; message: string; [key: string]: unknown }>
  counted: Record<string, number>
  notCounted: Record<string, number>
  images: Array<Record<string, any>>
  ignores: Array<Record<string, any>>
  staleIgnores: number[]
  expiredIgnores: number[]
  warnings: Array<{ code: string; message: string; [key: string]: unknown }>
  findings: Array<Record<string, any>>
  policy: Record<string, any>
}

/** What a scan-wait progress callback receives after each poll. */
export interface ScanProgress {
  image: string
  status: string
  elapsed: number
  polls: number
  stablePolls: number
  findings: number
  counts: Record<string, number>
}

/** The result of `waitForScan`: the merged findings and how the wait went. */
export interface ScanWaitOutcome {
  scan: Record<string, any>
  polls: number
  elapsed: number
  startedScan: boolean
}

/** A tag or digest resolved to its digest, media type and (for an index) platform children. */
export interface ResolvedImage {
  repository: string
  digest: string
  mediaType?: string
  children: Array<{ digest: string; platform: string; mediaType?: string }>
}

/** A lifecycle lint warning: valid but probably not what was meant. */
export interface LifecyclePolicyWarning {
  kind: string
  path: string
  message: string
}

/** The `lifecycle_preview --validate-only` document. */
export interface LifecycleValidation {
  errors: Array<{ path: string; message: string }>
  warnings: LifecyclePolicyWarning[]
}

/** One image a lifecycle rule acts on (ECR's preview result shape). */
export interface PreviewResult {
  imageTags: string[]
  imageDigest: string
  imagePushedAt?: string
  action: { type: 'EXPIRE' | 'TRANSITION'; targetStorageClass?: string }
  appliedRulePriority: number
  storageClass: 'STANDARD' | 'ARCHIVE'
}

/** The `lifecycle_preview` program's JSON document. */
export interface LifecyclePreview {
  previewResults: PreviewResult[]
  summary: { expiringImageTotalCount: number; transitioningImageTotalCounts?: Array<Record<string, unknown>> }
  reclaimedBytes: { EXPIRE: number; TRANSITION: number }
  protectedImages: Array<Record<string, any>>
  blockedImages: Array<Record<string, any>>
  collateralTags: Array<Record<string, any>>
  followingSubject: Array<Record<string, any>>
  warnings: LifecyclePolicyWarning[]
}

/** What `EcrClient.lifecyclePreview` found in a repository. */
export interface LifecycleReport {
  repository: string
  policy: Record<string, any>
  warnings: LifecyclePolicyWarning[]
  images: ImageDetail[]
  preview: LifecyclePreview
  ecrDiff?: Record<string, any>
}

/** What `EcrClient.expireImages` did (or, in a dry run, would do). */
export interface ExpireReport {
  dryRun: boolean
  requested: string[]
  deleted: string[]
  failures: Array<{ imageDigest: string; failureCode: string; failureReason: string }>
  batches: number
}

/** What one verification check found, before its level is applied (the `check*` functions). */
export interface VerifyFinding {
  ok: boolean
  message: string
  details: Record<string, any>
}

/** One image BatchGetImage returned, with the exact manifest text. */
export interface FetchedImage {
  imageId: ImageId
  digest: string
  manifest: string
  mediaType?: string | null
}

/** What `EcrClient.batchGetImages` resolves with. */
export interface ImageLookup {
  images: FetchedImage[]
  failures: Array<{ imageId: ImageId; code: string; reason: string }>
}

/** What `EcrClient.resolveTags` resolves with (`finding`: the tags check of `verifyPush`). */
export interface TagResolutionResult {
  lookup: ImageLookup
  resolution: { ok: string[]; problems: Record<string, { problem: string; [key: string]: unknown }> }
  finding: VerifyFinding
}

/** One referrer (signature, SBOM, ...) of an image. */
export interface Referrer {
  digest: string
  mediaType: string
  artifactType?: string | null
  size: number
  annotations?: Record<string, string>
  artifactStatus?: string | null
}

/** A parsed manifest (`parseManifest`). */
export type ParsedManifest =
  | {
      kind: 'index'
      mediaType: string
      entries: Array<{
        digest: string
        mediaType?: string
        platform?: { os: string; architecture: string; variant?: string }
        attestation: boolean
      }>
    }
  | { kind: 'image'; mediaType: string; configDigest: string; configMediaType: string }

/** `ImageConfig.toJSON()`: never the environment. */
export interface ImageConfigJson {
  platform: { os: string; architecture: string; variant?: string } | null
  user: string
  labels: Record<string, string>
  healthcheck: string[] | null
}

/** A raw tag plan (`TagStrategy.planTags`), before the policy check. */
export interface TagPlan {
  tags: Array<{ value: string; kind: 'immutable' | 'rolling'; rule: string }>
  labels: Record<string, string>
  annotations?: Record<string, string>
  version?: string
  violations?: TagViolation[]
  warnings?: TagViolation[]
}

/** docker/metadata-action's outputs (`TagStrategy.metadataAction`): each output as the list of its lines. */
export interface MetadataActionOutputs {
  version: string
  tags: string[]
  'tag-names': string[]
  labels: string[]
  annotations: string[]
  json: { tags: string[]; 'tag-names': string[]; labels: Record<string, string>; annotations: string[] }
}

/** The effective scanning configuration of a repository (`EcrClient.repositoryScanning`). */
export interface RepositoryScanning {
  scanFrequency: string | null
  scanOnPush: boolean
  appliedFilters: string[]
}

/** The AWS partition of a region (`partitionOfRegion`). */
export interface PartitionInfo {
  name: 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-eusc' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f'
  dnsSuffix: string
  dualStackDnsSuffix: string | null
}

/** A finding severity in ECR's spelling, most severe first (`severities()`). */
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNTRIAGED' | 'UNDEFINED'

/** A `scan_gate` report format (`ScanDecision.render`, `parseReportFormat`). */
export type ReportFormat = 'json' | 'sarif' | 'markdown'

/** The stable name of a `verifyPush` check. */
export type CheckName =
  | 'tags'
  | 'integrity'
  | 'platforms'
  | 'non-root'
  | 'labels'
  | 'no-secrets'
  | 'healthcheck'
  | 'replication'
  | 'referrers'

/** How much a check matters. */
export type CheckLevel = 'required' | 'warn' | 'skip'

/** The level of every check (`defaultCheckPolicy()`, `checkPolicy()`, `VerifyPushOptions.checks`). */
export type CheckPolicyTable = Record<CheckName, CheckLevel>

/** A version as `parseVersion` reads it (`v1.2.3-rc.1+b7` → `1.2.3-rc.1+b7`). */
export interface ParsedVersion {
  version: string
  major: number
  minor: number
  patch: number
  /** The pre-release part (`rc.1`), empty when none. */
  pre: string
  /** The build metadata (`b7`), empty when none. */
  build: string
  prerelease: boolean
}

/** The line a rolling tag follows: `latest`, `{{major}}`, `{{major}}.{{minor}}`. */
export type VersionLine = 'all' | 'major' | 'minor'

/** What `applyBuildMetadata` does with a `+` (semver build metadata). */
export type BuildMetadataRule = 'underscore' | 'hyphen' | 'drop' | 'reject'

/** What a build context implies (`describeBuildContext`). */
export interface BuildContextFacts {
  ref: string | null
  branch: string | null
  tag: string | null
  pullRequest: number | null
  event: 'push' | 'pull_request' | 'schedule' | 'manual'
  isDefaultBranch: boolean
  shortSha: string | null
}

/* --- the inventory of images in use --- */

/** What uses an image. */
export type UsageKind =
  | 'ecsService'
  | 'ecsServiceRevision'
  | 'ecsTaskSet'
  | 'ecsTask'
  | 'ecsTaskDefinition'
  | 'lambdaVersion'
  | 'lambdaAlias'
  | 'batchJobDefinition'
  | 'appRunnerService'
  | 'kubernetesPod'
  | 'kubernetesController'
  | 'file'
  | 'indexChild'
  | 'referrer'

/** Where a source lives. */
export type SourceKind = 'ecs' | 'lambda' | 'batch' | 'appRunner' | 'kubernetes' | 'file' | 'ecr' | 'credentials'

/** A file to read: a `kubectl get ... -o json` snapshot (`kubernetes`) or a JSON array of image URIs (`file`). */
export interface InventoryFile {
  kind: 'kubernetes' | 'file'
  path: string
}

/** What `EcrClient.discoverInventory` reads; missing keys keep their defaults, unknown keys are refused. */
export interface DiscoverOptions {
  roleArns?: string[]
  regions?: string[]
  services?: Array<'ecs' | 'lambda' | 'batch' | 'appRunner'>
  taskDefinitionRevisions?: number
  stoppedTasks?: boolean
  serviceDeployments?: boolean
  files?: InventoryFile[]
  concurrency?: number
  referrersApi?: boolean
  ociReferrers?: boolean
  registryUrl?: string | null
  fallbackTags?: boolean
  maxAttempts?: number
}

/** One use of an image: by what (an ARN, `namespace/Kind/name`, a file), since when. */
export interface Usage {
  kind: UsageKind
  name: string
  account?: string
  region?: string
  reference?: string
  since?: string
  via?: string
}

/** The inventory document (`schema` `ecr-core/inventory/v1`). */
export interface Inventory {
  schema: string
  generatedAt?: string
  complete: boolean
  images: Array<{ digest: string; repositories: string[]; uses: Usage[] }>
  unresolved: Array<{ reference: string; reason: string; uses: Usage[] }>
  sources: Array<{
    kind: SourceKind
    account?: string
    region?: string
    name?: string
    references: number
    error?: { code: string; message: string }
  }>
}

/** The in-use images one rule would have acted on, and who uses them. */
export interface RuleInUse {
  rulePriority: number
  images: Array<{ imageDigest: string; imageTags: string[]; action: PreviewResult['action']; uses: Usage[] }>
}

/** The `lifecycle_preview --inventory` document. */
export interface InUsePreview extends LifecyclePreview {
  inUse: RuleInUse[]
  inventoryComplete: boolean
}

/** Every repository's lifecycle policy against an inventory. */
export interface RegistryInUseReport {
  inventoryComplete: boolean
  repositories: number
  withPolicy: number
  inUseHits: number
  findings: Array<{
    repository: string
    hasPolicy: boolean
    expiring: number
    inUseHits: number
    rules?: RuleInUse[]
    error?: { code: string; message: string }
  }>
}

/** Why a signature or attestation did not count, or why a requirement failed. */
export type SignatureReason =
  | 'missing' | 'subject-mismatch' | 'digest-mismatch' | 'bad-signature' | 'untrusted-key' | 'untrusted-certificate'
  | 'expired' | 'identity-mismatch' | 'issuer-mismatch' | 'transparency-log' | 'no-signing-time'
  | 'predicate-mismatch' | 'malformed' | 'unsupported'

/** Who may sign: a named key, a keyless certificate identity and issuer, or a Notation certificate identity. */
export type SignerRule =
  | { type: 'key'; key: string }
  | { type: 'keyless'; identity?: string; identityRegex?: string; issuer: string }
  | { type: 'notation'; identity: string }

/** An attestation the image must carry, signed by an allowed signer; SLSA provenance fields must match. */
export interface AttestationRule {
  predicateType: string
  builderId?: string
  sourceRepository?: string
  sourceRef?: string
}

/** The signature gate's policy (`verifySignatures(image, policy)`); unknown keys are refused. */
export interface SignaturePolicy {
  signers?: SignerRule[]
  attestations?: AttestationRule[]
  scope?: 'index' | 'eachPlatform' | 'both'
  onMissing?: 'fail' | 'warn'
  onExpired?: 'fail' | 'warn'
  onUnverifiable?: 'fail' | 'warn'
}

/** One requirement on one manifest (`SignatureDecision.requirements`). */
export interface SignatureRequirement {
  subject: string
  platform?: string
  requirement: string
  status: 'passed' | 'warned' | 'failed'
  satisfiedBy?: string
  reason?: SignatureReason
  message: string
}

/** The `verify_signatures` JSON report (`SignatureDecision.toJSON()`). */
export interface SignatureReport {
  schema: 'ecr-core/signature-decision/v1'
  digest: string
  passed: boolean
  requirements: SignatureRequirement[]
  evidence: Array<Record<string, unknown>>
  policy: SignaturePolicy
  signingStatus?: Array<Record<string, unknown>>
}
