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

/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/**
 * An ECR client whose methods return Promises of plain objects (ECR's camelCase JSON shape).
 *
 * Rejections are `Error`s with a stable `code` (e.g. `"RepositoryNotFound"`), `message` and `requestId`.
 * The AWS configuration is loaded on the first call; configuration errors (`code: "NoRegion"`) reject it.
 */
export declare class EcrClient {
  /**
   * Creates a client; `options` override the AWS configuration chain. Retry and timeout options are
   * checked here (a bad one throws `code: "InvalidArgument"`); the AWS configuration is loaded on the
   * first call.
   */
  constructor(options?: EcrClientOptions | undefined | null)
  /** The region given in the options (`null` when it comes from the AWS configuration chain). */
  get region(): string | null
  /** The endpoint given in the options (`null` when it comes from the AWS configuration chain). */
  get endpointUrl(): string | null
  /** Describes one repository; rejects with `code: "RepositoryNotFound"` when it does not exist. */
  describeRepository(name: string): Promise<Repository>
  /**
   * Creates a repository and resolves with it. `settings` (`RepositorySettings` shape) override the
   * recommended values (immutable tags, scan on push, AES256); unknown keys reject with
   * `code: "InvalidArgument"`.
   */
  createRepository(name: string, settings?: RepositorySettings | null): Promise<Repository>
  /** Every repository of the registry (all pages). */
  listRepositories(): Promise<Repository[]>
  /**
   * Every image of a repository (all pages), or only those named by `imageIds` (items:
   * `{ imageDigest }` / `{ imageTag }` objects, or strings: `sha256:...` is a digest, anything else a tag).
   */
  describeImages(repository: string, imageIds?: Array<ImageId | string> | null): Promise<ImageDetail[]>
  /** Puts an image manifest, optionally under a tag; resolves with the stored image's id. */
  putImage(repository: string, manifest: string, options?: PutImageOptions | undefined | null): Promise<ImageId>
  /**
   * Builds the inventory of images in use: `options` (`roleArns`, `regions`, `services`,
   * `taskDefinitionRevisions`, `stoppedTasks`, `serviceDeployments`, `files`, `concurrency`, `referrersApi`, `ociReferrers`, `registryUrl`, `fallbackTags`,
   * `maxAttempts`; missing keys keep their defaults) says what to read. A source that cannot be read is
   * listed with its error and makes the inventory incomplete; only bad options reject.
   */
  discoverInventory(options?: DiscoverOptions | null): Promise<Inventory>
  /**
   * `lifecyclePreview` of `repository` with every digest of `inventory` protected: the
   * `lifecycle_preview --repository --inventory` document (`inUse`, `inventoryComplete`).
   */
  lifecyclePreviewWithInventory(repository: string, inventory: Inventory | string, options?: LifecyclePreviewOptions | null): Promise<InUsePreview>
  /**
   * `expireImages` guarded by `inventory`: rejects with `code: "Refused"` before deleting anything when the
   * inventory is incomplete (unless `allowIncomplete`) or when `preview` expires a digest in use.
   */
  expireImagesWithInventory(repository: string, preview: LifecyclePreview, inventory: Inventory | string, options?: ExpireWithInventoryOptions | null): Promise<ExpireReport>
  /**
   * Every repository's lifecycle policy against `inventory` at `options.now` (default now): how many in-use
   * images each policy would have expired or archived, and who uses them.
   */
  registryInUseReport(inventory: Inventory | string, options?: RegistryInUseReportOptions | null): Promise<RegistryInUseReport>
  /**
   * The repository's lifecycle policy, validated (rejects with `code: "LifecyclePolicyNotFound"` when it
   * has none).
   */
  getLifecyclePolicy(repository: string): Promise<lifecycle.LifecyclePolicy>
  /**
   * Validates `policy` (a `LifecyclePolicy`, JSON text or a plain object) and only then puts it on the
   * repository; resolves with its lint warnings. An invalid policy is never sent (`PolicyValidation`).
   */
  putLifecyclePolicy(repository: string, policy: lifecycle.LifecyclePolicy | string | Record<string, unknown>): Promise<LifecyclePolicyWarning[]>
  /** Every image of a repository in every storage status (ACTIVE, ARCHIVED, ACTIVATING), all pages. */
  describeImagesAllStatuses(repository: string): Promise<ImageDetail[]>
  /**
   * The children of every manifest list among `images`, read from their manifests:
   * `{ listDigest: [childDigest, ...] }`.
   */
  manifestListChildren(repository: string, images: lifecycle.LifecycleImages | string | ImageDetail[]): Promise<Record<string, string[]>>
  /**
   * Runs ECR's own lifecycle preview (of `options.policy`, or of the repository's policy), waits for it and
   * reads every page: `{ previewResults, summary }`.
   */
  ecrLifecyclePreview(repository: string, options?: EcrLifecyclePreviewOptions | undefined | null): Promise<{ previewResults: PreviewResult[]; summary: Record<string, unknown> }>
  /**
   * Reads the repository's policy (or evaluates `options.policy`) and every image (manifest-list children
   * included), evaluates offline, and with `compareWithEcr` also runs ECR's preview. Resolves with
   * `{ repository, policy, warnings, images, preview, ecrDiff? }` where `preview` is the
   * `lifecycle_preview --repository` JSON.
   */
  lifecyclePreview(repository: string, options?: LifecyclePreviewOptions | undefined | null): Promise<LifecycleReport>
  /**
   * Deletes exactly the images `preview` (a `lifecyclePreview().preview` or `evaluate()` result) expires.
   * Dry run unless `dryRun: false`; rejects with `code: "Refused"` before deleting anything when a digest is
   * protected or more than `maxDeletions` would go. Resolves with the per-image report.
   */
  expireImages(repository: string, preview: LifecyclePreview, options?: ExpireImagesOptions | null): Promise<ExpireReport>
  /**
   * Waits for the scan of an image (every selected platform of an index) and gates it on `policy`, like
   * the `scan_gate` program's live mode; resolves with a `ScanDecision`. `image`: a tag, a `sha256:`
   * digest or an `ImageId`. Rejects with `code: "ScanTimeout"` when the scan does not finish in time, or
   * with the error `onProgress` threw.
   */
  gateImage(repository: string, image: string | ImageId, policy: scan.ScanPolicy | Record<string, unknown> | string, options?: GateImageOptions | null): Promise<scan.ScanDecision>
  /**
   * Waits for the scan of one image (pinned by digest) to reach a final state; resolves with
   * `{ scan, polls, elapsed, startedScan }`.
   */
  waitForScan(repository: string, digest: string, options?: WaitForScanOptions | undefined | null): Promise<ScanWaitOutcome>
  /**
   * Every page of DescribeImageScanFindings for one image, merged (as `parseFindings` returns it);
   * rejects with `code: "ScanNotFound"` when there is no scan.
   */
  describeScanFindings(repository: string, image: string | ImageId): Promise<Record<string, any>>
  /** Starts a basic scan of an image (`code: "LimitExceeded"` when one already ran today). */
  startImageScan(repository: string, image: string | ImageId): Promise<void>
  /**
   * Resolves a tag or digest to `{ repository, digest, mediaType, children }` (children: the platform
   * images of an index).
   */
  resolveImage(repository: string, image: string | ImageId): Promise<ResolvedImage>
  /** The registry's scan type: `"BASIC"`, `"ENHANCED"`, or `null` when it does not say. */
  registryScanType(): Promise<'BASIC' | 'ENHANCED' | null>
  /**
   * The registry-wide configuration (creation templates, pull-through cache rules, replication, scanning,
   * signing, account settings) as a snapshot object (`JSON.stringify` it for the pure functions).
   */
  registrySnapshot(): Promise<Record<string, unknown>>
  /** The effective settings of `repository` (existing or not), read live. */
  effectiveSettings(repository: string): Promise<Record<string, unknown>>
  /** Audits the registry configuration against every repository, read live. */
  auditRegistry(rollingTags?: Array<string> | undefined | null): Promise<VerifyReport>
  /**
   * `auditRepository` plus the `template` check against the creation template covering the name in the
   * registry snapshot `snapshot` (JSON text).
   */
  auditRepositoryWithTemplates(repository: string, snapshot: string): Promise<VerifyReport>
  /**
   * Verifies the signatures and attestations of a pinned image against `policy`, as the
   * `verify_signatures` program does: cosign (legacy `.sig` tags and Sigstore bundles, a PEM key or a
   * keyless certificate chained to `trustedRoot`), Notation / AWS Signer envelopes and DSSE in-toto
   * attestations, found through ECR's ListImageReferrers, the registry's referrers API and the fallback
   * tags. `image` is `HOST/REPO@sha256:...` (or give `options.digest`); `credentials` (registry
   * credentials) default to one GetAuthorizationToken call. Resolves with a `verify.SignatureDecision`; a
   * failed verification is a decision with `passed` false, never a rejection.
   */
  verifySignatures(image: string, policy: SignaturePolicy | string, options?: VerifySignaturesOptions | null, credentials?: auth.RegistryCredentials | null): Promise<verify.SignatureDecision>
  /**
   * Plans the tags of a build and checks the plan against the policy and the live repository (its
   * mutability, exclusion filters and every tagged image); resolves with the `tag_plan` JSON.
   */
  checkTagPlan(repository: string, strategy: tagging.TagStrategy, context: BuildContext | string, options?: CheckTagPlanOptions | null): Promise<PlanReport>
  /**
   * What the tag checks read from a repository: `{ mutability, exclusionFilters, imageDetails }` (every
   * tagged image, archived ones included).
   */
  repositoryTagState(repository: string): Promise<RepositoryTagState>
  /**
   * Verifies a push as the `verify_push` program does: every tag → the digest, manifest integrity,
   * platforms, image config over the registry protocol (non-root, OCI labels, no secret-looking env,
   * healthcheck), optionally replication and referrers. `image` is `HOST/REPO[:TAG][@sha256:...]`;
   * `credentials` (registry credentials) default to one GetAuthorizationToken call. Resolves with
   * `{ report, mediaType, platforms }`, `report` being the program's JSON.
   */
  verifyPush(image: string, options?: VerifyPushOptions | null, credentials?: auth.RegistryCredentials | null): Promise<PushVerification>
  /**
   * Audits one repository (tag mutability, effective scanning, encryption, lifecycle policy, repository
   * policy): the report the `audit_repository` program prints.
   */
  auditRepository(name: string): Promise<VerifyReport>
  /** Audits every repository of the registry: `{ passed, repositories: [report, ...] }`. */
  auditAllRepositories(): Promise<AuditReport>
  /**
   * Creates `name` with the safe defaults, or reports its drift from them, fixing it when
   * `options.apply`. `options`: `{ settings, lifecyclePolicy, apply }` (missing keys: recommended
   * settings, `defaultLifecyclePolicy()`, no apply; `lifecyclePolicy: null` skips the lifecycle check).
   * Resolves with `{ repository, created, drift: [{ setting, expected, actual, fixed }] }`.
   */
  ensureRepository(name: string, options?: EnsureOptions | null): Promise<EnsureOutcome>
  /**
   * The replication status of an image in each destination: `[{ region, registryId, status,
   * failureCode }]`.
   */
  imageReplicationStatus(repository: string, digest: string): Promise<ReplicationStatus[]>
  /**
   * Polls the replication status of an image until no required destination is `IN_PROGRESS` or the
   * timeout has passed; resolves with the last statuses seen (judge them with `checkReplication`).
   */
  waitForReplication(repository: string, digest: string, options?: WaitForReplicationOptions | null): Promise<ReplicationStatus[]>
  /**
   * Every referrer (signature, SBOM, ...) ECR stores for `digest`: `[{ digest, mediaType, artifactType,
   * size, annotations, artifactStatus }]`.
   */
  listImageReferrers(repository: string, digest: string): Promise<Referrer[]>
  /**
   * BatchGetImage for `imageIds` (tags or digests, strings or `{ imageTag }` / `{ imageDigest }`), every
   * manifest and index media type accepted: `{ images: [{ imageId, digest, manifest, mediaType }],
   * failures: [{ imageId, code, reason }] }`.
   */
  batchGetImages(repository: string, imageIds: Array<ImageId | string>): Promise<ImageLookup>
  /**
   * Resolves every tag and `digest` in one BatchGetImage: `{ lookup, resolution: { ok, problems },
   * finding }` (`finding` is the tags check of `verifyPush`).
   */
  resolveTags(repository: string, tags: Array<string>, digest: string): Promise<TagResolutionResult>
  /**
   * The effective scanning configuration of a repository (what the audit reads): `{ scanFrequency,
   * scanOnPush, appliedFilters }`.
   */
  repositoryScanning(repository: string): Promise<RepositoryScanning>
  /** The repository's lifecycle policy text, `null` when it has none. */
  lifecyclePolicyText(repository: string): Promise<string | null>
  /** The repository policy text, `null` when it has none. */
  repositoryPolicyText(repository: string): Promise<string | null>
}

/** Test hook: panics inside a guarded call (must throw an error with `code: "Internal"`). */
export declare function __panic(message: string): void

/**
 * Test hook: a Promise whose task panics (must reject with `code: "Internal"`); resolves when `message`
 * is empty.
 */
export declare function __panicAsync(message: string): Promise<void>

/** Test hook: throws the JS error of ecr-core's sample error of `code`. */
export declare function __sampleError(code: string): void

/** Test hook: the same error as a rejected Promise. */
export declare function __sampleErrorAsync(code: string): Promise<void>

/** Options of `new Authenticator(client, options)` (the `ecr_login` program's switches). */
export interface AuthenticatorOptions {
  /** Refuse long-lived static AWS keys (`code: "LongLivedCredentials"`). */
  requireTemporaryCredentials?: boolean
  /**
   * Share tokens through the on-disk cache: `true` (the default directory, `ECR_CORE_CACHE_DIR`, ...) or
   * a directory.
   */
  diskCache?: boolean | string
  /**
   * Judge token expiry as if it were this instant (RFC 3339). For emulators whose tokens carry a fixed
   * past expiry (moto's: 2015-01-01); never needed against AWS.
   */
  assumeNow?: string
  /** The principal ARN the disk cache is keyed by (otherwise read once from STS). */
  principal?: string
  /** When cached tokens are refreshed and stop being handed out (default: `new RefreshPolicy()`). */
  refreshPolicy?: RefreshPolicyOptions
}

/** What a build record is made from (`verifyPush`'s `mediaType`, `platforms` and `report.passed` fit). */
export interface BuildRecordOptions {
  /** Image name without tag or digest (`HOST/REPO`). */
  name: string
  /** The image's (index or manifest) digest. */
  digest: string
  /** Tags pushed. */
  tags?: Array<string>
  /** Source repository URL. */
  sourceRepository?: string
  /** Source revision. */
  revision?: string
  /** Build time (RFC 3339). */
  buildTime?: string
  /** Builder id. */
  builderId?: string
  /** CI run id. */
  runId?: string
  /** Manifest media type. */
  mediaType?: string
  /** Platform manifests (`[{ platform, digest }]`). */
  platforms?: PlatformDigest[]
  /** The verification verdict. */
  verified?: boolean
}

/** Options of `checkPlan`. */
export interface CheckPlanOptions {
  /** `"production"`, `"default"` (the default), a policy object or its JSON text. */
  policy?: string | TagPolicy
  /**
   * What is known of the repository (`repositoryTagState(...)`: `{ mutability, exclusionFilters,
   * imageDetails }`); unknown parts are not checked.
   */
  repository?: Partial<RepositoryTagState>
  /** The digest about to be pushed. */
  digest?: string
}

/** Options of `checkPolicy`: comma lists of check names applied after the table. */
export interface CheckPolicyOptions {
  /** Checks that must pass (comma list). */
  require?: string
  /** Checks that only warn (comma list). */
  warn?: string
  /** Checks not to run (comma list). */
  skip?: string
}

/** Options of `EcrClient.checkTagPlan`. */
export interface CheckTagPlanOptions {
  /** `"production"`, `"default"` (the default), a policy object or its JSON text. */
  policy?: 'production' | 'default' | TagPolicy | string
  /** The digest about to be pushed. */
  digest?: string
}

/** Options of `checkCredentialPolicy`. */
export interface CredentialPolicyOptions {
  /** Refuse long-lived static keys (default `true` here; the authenticator's option of the same name). */
  requireTemporaryCredentials?: boolean
}

/** Options of `describeBuildContext`. */
export interface DescribeBuildContextOptions {
  /** The length of `shortSha` (default 7). */
  shaLength?: number
}

/** Options of `new DiskCache(dir, options)`. */
export interface DiskCacheOptions {
  /** Keep at most this many tokens (default 64). */
  maxEntries?: number
}

/**
 * Options of an `EcrClient`; unset ones come from the AWS configuration chain (`AWS_REGION`,
 * `AWS_PROFILE`, `AWS_ENDPOINT_URL`, shared config files, SSO, web identity, instance roles).
 */
export interface EcrClientOptions {
  /** The AWS region. */
  region?: string
  /** A named profile of the shared AWS config files. */
  profile?: string
  /** An explicit ECR endpoint (e.g. a local emulator). */
  endpointUrl?: string
  /** How throttled and transient failures are retried (default `'standard'`). */
  retryMode?: 'standard' | 'adaptive'
  /** Total attempts per request, the first included (default 3). */
  maxAttempts?: number
  /** Base delay of the retry backoff, in seconds (default 1). */
  initialBackoff?: number
  /** Seconds allowed to open a connection (default 5). */
  connectTimeout?: number
  /** Seconds allowed for one whole operation, retries included (default 60). */
  operationTimeout?: number
  /** Seconds allowed for one attempt (default 20; `Infinity` for no per-attempt limit). */
  attemptTimeout?: number
  /**
   * An access key id, with `secretAccessKey`: explicit credentials instead of the AWS chain (e.g. from a
   * secrets manager).
   */
  accessKeyId?: string
  /** The secret access key (kept as a secret: the client never shows it). */
  secretAccessKey?: string
  /** A session token, only with the two above. */
  sessionToken?: string
}

/** Options of `EcrClient.ecrLifecyclePreview`. */
export interface EcrLifecyclePreviewOptions {
  /** Preview this policy (text or object) instead of the repository's. */
  policy?: lifecycle.LifecyclePolicy | string | Record<string, unknown>
  /** Seconds between polls (default 5). */
  pollInterval?: number
  /** Seconds to wait (default 300); past it the Promise rejects with `code: "Timeout"`. */
  timeout?: number
}

/** Every stable error code an ecr-core error can carry as `err.code` (besides `"Internal"` for bugs). */
export declare function errorCodes(): Array<string>

/** Options of `evaluateFindings` / `gateFindings`. */
export interface EvaluateFindingsOptions {
  /** The instant ignore expiry is judged against (RFC 3339 string or `Date`; default now). */
  now?: string | Date
  /** The repository (what scoped ignore rules match; default: what the response says). */
  repository?: string
  /** The image digest (default: what the response says). */
  digest?: string
  /** The platform (`linux/amd64`) of an index child. */
  platform?: string
}

/** Options of `LifecyclePolicy.evaluate`. */
export interface EvaluateOptions {
  /** The evaluation instant (RFC 3339 string or `Date`; default now). */
  now?: string | Date
  /** Digests no rule may act on (images in use). */
  protected?: Array<string>
  /**
   * Manifest lists and the digests they reference (`{ listDigest: [childDigest, ...] }`): children are
   * not expired while their list is in the repository.
   */
  manifestLists?: Record<string, Array<string>>
}

/** Options of `EcrClient.expireImages`. */
export interface ExpireImagesOptions {
  /** Report what would be deleted without deleting (default `true`). */
  dryRun?: boolean
  /** Refuse when the preview expires more images than this (default 100). */
  maxDeletions?: number
  /** Digests that must never be deleted (besides the preview's protected / blocked images). */
  protected?: Array<string>
}

/** Options of `EcrClient.expireImagesWithInventory`. */
export interface ExpireWithInventoryOptions {
  /** Report what would be deleted without deleting (default `true`). */
  dryRun?: boolean
  /** Refuse when the preview expires more images than this (default 100). */
  maxDeletions?: number
  /** Digests that must never be deleted, besides those in use. */
  protected?: Array<string>
  /** Run even when the inventory is incomplete (default `false`: refused). */
  allowIncomplete?: boolean
}

/** A manifest read over the registry protocol. */
export interface FetchedManifest {
  /** `sha256:<hex>` of the exact bytes served. */
  digest: string
  /** The exact bytes served (a `Buffer`). */
  bytes: Uint8Array
}

/** Options of `fitTag`. */
export interface FitTagOptions {
  /** Text before the value (default none). */
  prefix?: string
  /** Text after the value, kept whole when the tag is truncated (default none). */
  suffix?: string
}

/** Options of `EcrClient.gateImage`: the waiting options plus these. */
export interface GateImageOptions {
  /** The instant ignore expiry is judged against (RFC 3339 string or `Date`; default now). */
  now?: string | Date
  /** Only these platforms of a multi-platform image (e.g. `linux/amd64`); default every platform. */
  platforms?: Array<string>
  /** Overall limit in seconds (default 600). */
  timeout?: number
  /** First poll interval in seconds (default 5). */
  pollInterval?: number
  /** Largest poll interval in seconds (default 30). */
  maxPollInterval?: number
  /** Identical polls required before a done scan is final. */
  consistencyPolls?: number
  /** Start a basic scan when none exists. */
  startScan?: boolean
  /** `"basic"` or `"enhanced"` (default: ask the registry). */
  scanType?: string
  /** Progress callback, as for `waitForScan`. */
  onProgress?: (progress: ScanProgress) => void
}

/** Which host forms `registryHosts` lists (default: IPv4 only). */
export interface HostFormsOptions {
  /** `<account>.dkr.ecr.<region>.amazonaws.com` (default true). */
  ipv4?: boolean
  /** `<account>.dkr-ecr.<region>.on.aws`. */
  dualStack?: boolean
  /** `<account>.dkr.ecr-fips.<region>.amazonaws.com`. */
  fips?: boolean
}

/** Options of `EcrClient.lifecyclePreview`. */
export interface LifecyclePreviewOptions {
  /** Evaluate this policy (text or object) instead of the repository's. */
  policy?: lifecycle.LifecyclePolicy | string | Record<string, unknown>
  /** The evaluation instant (RFC 3339 string or `Date`; default now). */
  now?: string | Date
  /** Digests no rule may act on. */
  protected?: Array<string>
  /** Also run ECR's own preview and report the differences (`ecrDiff`). */
  compareWithEcr?: boolean
  /** Seconds between GetLifecyclePolicyPreview polls (default 5). */
  pollInterval?: number
  /** Seconds to wait for ECR's preview (default 300). */
  ecrTimeout?: number
}

/** Options of `TagStrategy.plan`. */
export interface PlanOptions {
  /** `"production"`, `"default"` (the default), a policy object or its JSON text. */
  policy?: 'production' | 'default' | TagPolicy | string
  /** The repository's images: `ImageDetail` objects, describe-images output or its JSON text. */
  existing?: ImageDetail[] | { imageDetails: ImageDetail[] } | string
  /** The repository's tag mutability. */
  mutability?: 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION'
  /** The repository's exclusion filters (wildcards). */
  exclusions?: Array<string>
  /** The digest about to be pushed. */
  digest?: string
}

/** Options of `EcrClient.putImage`. */
export interface PutImageOptions {
  /** The manifest media type (otherwise read from the manifest's `mediaType`). */
  mediaType?: string
  /** The tag to put the image under. */
  tag?: string
  /** The expected digest; ECR checks it against the manifest bytes. */
  digest?: string
}

/** The parts of a refresh policy (seconds for durations); parts left out keep the defaults. */
export interface RefreshPolicyOptions {
  /** Refresh this fraction of a token's lifetime before it expires (0 to 1; default 0.25: after 9 h of 12). */
  aheadFraction?: number
  /** ... but at least this many seconds before (default 300). */
  aheadMin?: number
  /** Never hand out a token with fewer seconds left (default 60). */
  minRemaining?: number
}

/** Options of `new RegistryClient(host, options, credentials)`. */
export interface RegistryClientOptions {
  /** Where to speak the registry protocol instead of `https://HOST` (e.g. `http://127.0.0.1:5000`). */
  url?: string
}

/** Optional parts of `new RegistryCredentials(...)`. */
export interface RegistryCredentialsOptions {
  /** `https://<host>` for private registries. */
  proxyEndpoint?: string
  /** The token's region (none for ECR Public). */
  region?: string
}

/** Options of `RegistryHost.private`. */
export interface RegistryHostOptions {
  /** The FIPS endpoint (`dkr.ecr-fips`). */
  fips?: boolean
  /** The dual-stack endpoint (`dkr-ecr.<region>.on.aws`). */
  dualStack?: boolean
}

/** Options of `EcrClient.registryInUseReport`. */
export interface RegistryInUseReportOptions {
  /** The evaluation instant (RFC 3339 string or `Date`; default now). */
  now?: string | Date
  /** Most repositories read at once (default 8). */
  concurrency?: number
}

/** Options of `highestReleased` and `mayRollTo`. */
export interface ReleasedVersionOptions {
  /** For `highestReleased`: the version whose line to look at (needed for `major` and `minor`). */
  version?: string
  /**
   * The line a rolling tag follows: `all` (`latest`, the default), `major` (`{{major}}`), `minor`
   * (`{{major}}.{{minor}}`).
   */
  line?: VersionLine
  /** The strategy's flavor prefix, removed from each tag first. */
  prefix?: string
  /** The strategy's flavor suffix, removed from each tag first. */
  suffix?: string
}

/** Options of `EcrClient.verifyPush` (the `verify_push` program's flags). */
export interface VerifyPushOptions {
  /** Further tags that must point at the digest. */
  tags?: Array<string>
  /** The digest the build produced (optional when the image carries `@sha256:...`). */
  digest?: string
  /** Expected platforms, `os/arch[/variant]` (none: no expectation). */
  platforms?: Array<string>
  /** Where to speak the registry protocol instead of `https://HOST` (e.g. `http://127.0.0.1:5000`). */
  registryUrl?: string
  /**
   * Checks that must pass (comma list: tags,integrity,platforms,non-root,labels,no-secrets,healthcheck,
   * replication,referrers).
   */
  require?: string
  /** Checks that only warn (comma list). */
  warn?: string
  /** Checks not to run (comma list). */
  skip?: string
  /** A check policy table (`checkPolicy()`, `{ labels: "warn", ... }`), applied before the lists. */
  checks?: Partial<CheckPolicyTable> | null
  /** Regions replication must reach (implies `require: "replication"`). */
  replicationRegions?: Array<string>
  /** Seconds to wait for replication (default 300). */
  replicationTimeout?: number
  /** Accepted referrer artifact types (default: any signature or SBOM). */
  referrerTypes?: Array<string>
}

/** Options of `EcrClient.verifySignatures` (the `verify_signatures` program's flags). */
export interface VerifySignaturesOptions {
  /** The pinned digest, when the image reference has none (when both are given they must agree). */
  digest?: string
  /** Trusted public keys: the name the policy uses → PEM text. */
  keys?: Record<string, string>
  /** A Sigstore `trusted_root.json` or PEM CA certificates, as text (keyless cosign, Notation). */
  trustedRoot?: string
  /** Where to speak the registry protocol instead of `https://HOST` (e.g. `http://127.0.0.1:5000`). */
  registryUrl?: string
  /** Also ask ECR's ListImageReferrers (default true; false for a registry that is not ECR). */
  ecrReferrers?: boolean
  /** Also report ECR's managed-signing status (a pre-check, never taken as proof; default false). */
  signingStatus?: boolean
}

/** The version of ecr-core this addon was built from. */
export declare function version(): string

/** Options of `EcrClient.waitForReplication`. */
export interface WaitForReplicationOptions {
  /** Regions that must be COMPLETE (none: every destination ECR reports). */
  regions?: Array<string>
  /** Seconds to wait at most (default 300). */
  timeout?: number
  /** Seconds between polls (default 10). */
  interval?: number
}

/** How to wait for a scan (`EcrClient.gateImage` / `waitForScan`). */
export interface WaitForScanOptions {
  /** Overall limit in seconds (default 600); past it the Promise rejects with `code: "ScanTimeout"`. */
  timeout?: number
  /** First poll interval in seconds (default 5). */
  pollInterval?: number
  /** Largest poll interval in seconds (default 30). */
  maxPollInterval?: number
  /** Identical polls required before a done scan is final (default 1 basic, 2 enhanced). */
  consistencyPolls?: number
  /** Start a basic scan when none exists. */
  startScan?: boolean
  /** `"basic"` or `"enhanced"` (default: ask the registry). */
  scanType?: string
  /**
   * Called after every poll with `{ image, status, elapsed, polls, stablePolls, findings, counts }`; the
   * wait pauses until it returns. A thrown error aborts the wait and the Promise rejects with it.
   */
  onProgress?: (progress: ScanProgress) => void
}

export declare namespace auth {
  /**
   * Registry credentials from the AWS credential chain: one token per region (and one for ECR Public),
   * refreshed ahead of expiry, fetched once under concurrency, optionally shared between processes through
   * the on-disk cache. Every method returns a Promise.
   */
  export class Authenticator {
    /** An authenticator over `client`'s AWS configuration. */
    constructor(client: EcrClient, options?: AuthenticatorOptions | undefined | null)
    /**
     * Credentials for a registry host, server URL (`https://.../v2/`) or image reference; the token comes
     * from the registry's own region (ECR Public: `public.ecr.aws`).
     */
    credentials(registry: string): Promise<auth.RegistryCredentials>
    /** Credentials for the caller's own registry in `region` (default: the client's region). */
    credentialsForRegion(region?: string | undefined | null): Promise<auth.RegistryCredentials>
    /** Credentials for ECR Public (`public.ecr.aws`, tokens from us-east-1). */
    publicCredentials(): Promise<auth.RegistryCredentials>
    /**
     * Credentials for every registry in `hosts` (hosts or server URLs; see `registryHosts`), written into the
     * docker config at `dockerConfig` in one write: one token request per region, whatever the number of
     * accounts and host forms. Resolves to `[{ host, expiresAt, key, replaced, shadowedBy }]` (no password).
     */
    loginAll(hosts: Array<string>, dockerConfig: string): Promise<Array<{ host: string; expiresAt: string; key: string; replaced: boolean; shadowedBy: string | null }>>
    /**
     * What is known about the AWS credentials in use (`source`, `accessKeyKind`, `hasSessionToken`,
     * `expiresAt`), without any secret.
     */
    awsIdentity(): Promise<AwsIdentity>
    /** Drops the cached token of `registry` (memory and disk), e.g. after the registry refused it. */
    invalidate(registry: string): Promise<void>
    /**
     * The instant tokens are judged by (RFC 3339): the settable clock's (`assumeNow`), else the system
     * clock's.
     */
    get now(): string
    /**
     * Sets the settable clock (only for an authenticator built with `assumeNow`; RFC 3339 or epoch
     * seconds): cached tokens are then judged, and refreshed, as of that instant.
     */
    setNow(now: string): void
    /** Moves the settable clock forward by `seconds` (only with `assumeNow`). */
    advance(seconds: number): void
    /** The on-disk token cache this authenticator shares tokens through, or `null`. */
    get diskCache(): DiskCache | null
    /**
     * Answers one Docker credential-helper request (`get`, `list`, `store`, `erase`, `version`) as the
     * `docker-credential-ecr-core` program does.
     */
    runHelper(action: string, stdin?: string | undefined | null): Promise<HelperOutput>
  }
  /**
   * The on-disk token cache shared between processes (0600 in a 0700 directory, keyed by principal, never
   * holding access keys). Inspection only shows registries and counts, never a token.
   */
  export class DiskCache {
    /** A cache in `dir`. */
    constructor(dir: string, options?: DiskCacheOptions | undefined | null)
    /**
     * The cache the environment asks for (`ECR_CORE_CACHE_DIR`, `XDG_CACHE_HOME`, `~/.cache`), or `null`
     * when `ECR_CORE_DISABLE_CACHE` is set.
     */
    static fromEnv(): auth.DiskCache | null
    /** The cache directory. */
    get dir(): string
    /** The cache file. */
    get file(): string
    /**
     * The proxy endpoints (or `public.ecr.aws`) of the tokens in the file still unexpired at `now` (RFC
     * 3339; default: the system clock).
     */
    registries(now?: string | undefined | null): Array<string>
    /** The number of token entries in the file. */
    tokenCount(): number
  }
  /**
   * A Docker credential-helper reply. `stdout()` (for `get`: the JSON holding the secret) is readable only
   * through that explicit method; `JSON.stringify`, `String()` and `util.inspect` never show it.
   */
  export class HelperOutput {
    /**
     * What the helper writes to stdout (a method, not a getter, so that `util.inspect(reply, { getters: true })`
     * cannot show it).
     */
    stdout(): string
    /** What the helper writes to stderr (never a secret). */
    get stderr(): string
    /** The process exit code (0 success, 1 failure or not found). */
    get exitCode(): number
    /** `{ exitCode, stdout: "<redacted>", stderr }`. */
    toJSON(): { exitCode: number; stdout: string; stderr: string }
    /** A description without stdout. */
    toString(): string
  }
  /**
   * When cached tokens are refreshed and when they stop being handed out (what `Authenticator`'s
   * `refreshPolicy` option sets).
   */
  export class RefreshPolicy {
    /** A policy; parts left out keep the defaults. */
    constructor(options?: RefreshPolicyOptions | undefined | null)
    /** The fraction of a token's lifetime it is refreshed ahead of expiry. */
    get aheadFraction(): number
    /** The least time (seconds) ahead of expiry a token is refreshed. */
    get aheadMin(): number
    /** The least time (seconds) a handed-out token has left. */
    get minRemaining(): number
    /**
     * The instant (RFC 3339) from which a token fetched at `fetchedAt` and expiring at `expiresAt` is
     * refreshed.
     */
    refreshAt(fetchedAt: string, expiresAt: string): string
    /** True while a token expiring at `expiresAt` may be handed out at `now`. */
    usable(expiresAt: string, now: string): boolean
  }
  /**
   * Registry credentials for one ECR host. The password is readable only through the explicit `password()`
   * method (or `dockerAuth()` / `authorizationHeader()`); `JSON.stringify`, `String()`, `util.inspect` (even with
   * `getters: true`) and `Object.keys` never show it.
   */
  export class RegistryCredentials {
    /**
     * Credentials from their parts (e.g. to merge a known token into a docker config); `expiresAt` is RFC
     * 3339 or epoch seconds.
     */
    constructor(host: string, username: string, password: string, expiresAt: string, options?: RegistryCredentialsOptions | undefined | null)
    /** The registry host (`<account>.dkr.ecr.<region>.amazonaws.com`, `public.ecr.aws`). */
    get host(): string
    /** The user name (`AWS`). */
    get username(): string
    /**
     * The password itself: the one explicit way to read it (a method, not a getter, so that
     * `util.inspect(creds, { getters: true })` cannot show it).
     */
    password(): string
    /** When the token stops working (RFC 3339). */
    get expiresAt(): string
    /** `https://<host>` for private registries; `null` for ECR Public. */
    get proxyEndpoint(): string | null
    /** The token's region; `null` for ECR Public. */
    get region(): string | null
    /** True for ECR Public credentials. */
    get isPublic(): boolean
    /** True when the token has expired at `now` (RFC 3339 or epoch seconds). */
    isExpiredAt(now: string): boolean
    /** `base64(username:password)`: the `auth` value of a docker `config.json` entry (a secret). */
    dockerAuth(): string
    /** `Basic <dockerAuth()>`: an HTTP `Authorization` header for the registry API (a secret). */
    authorizationHeader(): string
    /**
     * Everything but the password (what `JSON.stringify` writes): `host`, `username`, `expiresAt`,
     * `proxyEndpoint`, `region`, and `password: "<redacted>"`.
     */
    toJSON(): RegistryCredentialsJson
    /** A description without the password. */
    toString(): string
  }
  /**
   * Checks an AWS identity (the object `Authenticator.awsIdentity()` resolves with) against the credential
   * policy the authenticator applies: with `requireTemporaryCredentials` (the default here) long-lived
   * static keys (an `AKIA` key id, or no session token) throw `code: "LongLivedCredentials"` naming their
   * source; without it any identity passes. A malformed identity throws `code: "InvalidArgument"`.
   */
  export function checkCredentialPolicy(identity: AwsIdentity, options?: CredentialPolicyOptions | null): void
  /** The docker config file docker reads: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
  export function defaultDockerConfigPath(): string | null
  /** The credential helper's `version` line. */
  export function helperVersionLine(): string
  /**
   * True for long-lived static keys: an `AKIA` key id, or no session token (the identity as
   * `Authenticator.awsIdentity()` resolves with it).
   */
  export function isLongLived(identity: AwsIdentity): boolean
  /**
   * The in-memory form of `writeDockerConfig`: `{ config, outcome }`, the merged copy of `config` (a parsed
   * docker config object) and `{ key, replaced, shadowedBy }`.
   */
  export function mergeAuthEntry(config: Record<string, unknown>, server: string, credentials: auth.RegistryCredentials): { config: Record<string, unknown>; outcome: MergeOutcome }
  /**
   * Every registry host of `accounts` × `regions` in the chosen forms, in that order, for
   * `Authenticator.loginAll`.
   */
  export function registryHosts(accounts: Array<string>, regions: Array<string>, forms?: HostFormsOptions | undefined | null): Array<string>
  /**
   * The region of an ECR registry host, server URL or image reference (`null` for ECR Public); throws
   * `code: "InvalidReference"` for a host that is not ECR.
   */
  export function registryRegion(registry: string): string | null
  /**
   * Adds or replaces the `auths` entry of `server` (host, `host:port` or URL; stored as the bare host) in
   * the docker config file at `path` (created if missing, other keys kept, written atomically with mode
   * 0600). Returns `{ key, replaced, shadowedBy }` (`shadowedBy`: the `credHelpers`/`credsStore` entry docker
   * would use instead).
   */
  export function writeDockerConfig(path: string, server: string, credentials: auth.RegistryCredentials): MergeOutcome
}

export declare namespace inventory {
  /**
   * Reads the files (`[{ kind: 'kubernetes' | 'file', path }]`: a `kubectl get ... -o json` snapshot, or a
   * JSON array of image URIs) offline into an inventory. A file that cannot be read is a failed source;
   * references by tag stay unresolved, so they make the inventory incomplete.
   */
  export function fromFiles(files: InventoryFile[]): Inventory
  /**
   * One inventory of several (e.g. one per account, or a live one and a file): every use of every digest,
   * every source; incomplete when any is.
   */
  export function merge(inventories: Array<Inventory | string>): Inventory
  /**
   * Evaluates `policy` over one repository's `images` (as `LifecyclePolicy.evaluate`) with everything in
   * `inventory` protected, and within the repository what it needs (index children, referrers): the
   * `lifecycle_preview --inventory` document, the preview plus `inUse` (per rule, the in-use images it would
   * have acted on, and who uses them) and `inventoryComplete`.
   */
  export function preview(policy: lifecycle.LifecyclePolicy | string | Record<string, unknown>, images: lifecycle.LifecycleImages | string | ImageDetail[] | { imageDetails: ImageDetail[] }, inventory: Inventory | string, options?: EvaluateOptions | null): InUsePreview
  /**
   * Checks a saved inventory (object or JSON text: its `schema`, that `complete` agrees with its sources,
   * every digest) and returns it.
   */
  export function read(inventory: Inventory | string): Inventory
}

export declare namespace lifecycle {
  /**
   * A repository's images parsed once (from describe-images JSON text or `ImageDetail` objects), to evaluate
   * policies against without converting them again.
   */
  export class LifecycleImages {
    /**
     * Parses describe-images JSON text (an array of `ImageDetail` objects or `{ imageDetails: [...] }`;
     * timestamps as epoch seconds or RFC 3339).
     */
    static fromJson(text: string): LifecycleImages
    /** Reads an array of `ImageDetail` objects. */
    static fromArray(images: ImageDetail[] | { imageDetails: ImageDetail[] }): LifecycleImages
    /** How many images. */
    get length(): number
    /** The images as `ImageDetail` objects (also what `JSON.stringify` writes). */
    toJSON(): ImageDetail[]
  }
  /** A validated lifecycle policy and its lint warnings. */
  export class LifecyclePolicy {
    /**
     * Parses and validates policy text as PutLifecyclePolicy does; throws `code: "PolicyValidation"` with
     * `errors: [{ path, message }]` listing every problem.
     */
    static fromJson(text: string): LifecyclePolicy
    /** Validates a policy given as a plain object (serialised compactly, then as `fromJson`). */
    static fromObject(policy: Record<string, unknown>): LifecyclePolicy
    /**
     * The `lifecycle_preview --validate-only` document: `{ errors: [{ path, message }], warnings }` (errors
     * empty when valid). Never throws for an invalid policy.
     */
    static validate(text: string): LifecycleValidation
    /** Lint warnings: valid but probably not meant (`{ kind, path, message }`). */
    get warnings(): LifecyclePolicyWarning[]
    /** The policy as a plain object (ECR's JSON shape; also what `JSON.stringify` writes). */
    toJSON(): Record<string, any>
    /** The policy as compact JSON text (what `putLifecyclePolicy` sends). */
    toText(): string
    /**
     * Evaluates the policy offline, as ECR would at `now`, and returns the `lifecycle_preview` program's JSON
     * (`previewResults`, `summary`, `reclaimedBytes`, `protectedImages`, `blockedImages`, `collateralTags`,
     * `followingSubject`, `warnings`). `images`: a `LifecycleImages` (parsed once: the fast path), the
     * describe-images JSON text, or an array of `ImageDetail` objects.
     */
    evaluate(images: lifecycle.LifecycleImages | string | ImageDetail[] | { imageDetails: ImageDetail[] }, options?: EvaluateOptions | null): LifecyclePreview
    /**
     * As `evaluate`, but keeps the result on the Rust side (`LifecyclePreviewResult`): the fast path when
     * only the summary or the expiring digests are needed.
     */
    evaluatePreview(images: lifecycle.LifecycleImages | string | ImageDetail[] | { imageDetails: ImageDetail[] }, options?: EvaluateOptions | null): LifecyclePreviewResult
  }
  /**
   * An offline evaluation kept on the Rust side, made once (owning its strings) and only read afterwards: read
   * its `summary` or `expiringDigests` without converting every result into JS objects; `toJSON()` is the
   * `lifecycle_preview` program's JSON (what `evaluate` returns).
   */
  export class LifecyclePreviewResult {
    /** ECR's summary (`{ expiringImageTotalCount, transitioningImageTotalCounts? }`). */
    get summary(): LifecyclePreview['summary']
    /** The digests this preview expires (what `expireImages` deletes), in result order. */
    get expiringDigests(): Array<string>
    /** The `lifecycle_preview` program's JSON (also what `JSON.stringify` writes). */
    toJSON(): LifecyclePreview
  }
}

export declare namespace reference {
  /**
   * A valid ECR image reference (`HOST/REPOSITORY[:TAG][@sha256:DIGEST]`); immutable; `toString()` gives the
   * reference back exactly.
   */
  export class ImageReference {
    /** Parses an image reference (the same as `parseReference`). */
    static parse(text: string): ImageReference
    /** The registry host. */
    get host(): reference.RegistryHost
    /** The repository name (`team/app`; for ECR Public `<alias>/<name>`). */
    get repository(): string
    /** The tag, or `null`. */
    get tag(): string | null
    /** The digest (`sha256:<64 hex>`), or `null`. */
    get digest(): string | null
    /** `HOST/REPOSITORY`, the repository URI ECR reports. */
    get repositoryUri(): string
    /** The ECR image id (`{ imageDigest, imageTag }`, whichever the reference has), or `null`. */
    imageId(): ImageId | null
    /** This reference with `tag` instead of its tag (the digest is kept). */
    withTag(tag: string): reference.ImageReference
    /** This reference with `digest` instead of its digest (the tag is kept). */
    withDigest(digest: string): reference.ImageReference
    /** This reference without its tag. */
    withoutTag(): reference.ImageReference
    /** This reference without its digest. */
    withoutDigest(): reference.ImageReference
    /** Whether `other` is the same value. */
    equals(other: reference.ImageReference): boolean
    /** The value as text. */
    toString(): string
    /** The value as text (what `JSON.stringify` writes). */
    toJSON(): string
  }
  /**
   * A valid ECR registry host (private, FIPS, dual-stack or ECR Public); immutable; `toString()` gives the
   * host back exactly.
   */
  export class RegistryHost {
    /** Parses a registry host (`123456789012.dkr.ecr.us-east-1.amazonaws.com`, `public.ecr.aws`, ...). */
    static parse(text: string): RegistryHost
    /** The private registry host of an account in a region. */
    static private(registryId: string, region: string, options?: RegistryHostOptions | undefined | null): RegistryHost
    /** The ECR Public host `public.ecr.aws`. */
    static public(): RegistryHost
    /**
     * The host of a server URL as Docker hands it to credential helpers
     * (`[https://]host[:port][/path][?query]`); user info and other schemes are refused.
     */
    static fromServerUrl(url: string): RegistryHost
    /** `"private"` or `"public"`. */
    get kind(): 'private' | 'public'
    /** The account id of a private host, else `null`. */
    get registryId(): string | null
    /** The region of a private host, else `null`. */
    get region(): string | null
    /** Whether this is a FIPS endpoint. */
    get fips(): boolean
    /** Whether this is a dual-stack (IPv4 + IPv6) endpoint. */
    get dualStack(): boolean
    /** The DNS suffix of a private host (`amazonaws.com`, `on.aws`, ...), else `null`. */
    get dnsSuffix(): string | null
    /** The `https://HOST` server URL. */
    get serverUrl(): string
    /** This host with its FIPS endpoint switched on or off (public hosts have none and are unchanged). */
    withFips(on: boolean): reference.RegistryHost
    /** This host in its dual-stack form or back; refused for a partition without dual-stack hosts. */
    withDualStack(on: boolean): reference.RegistryHost
    /** Whether `other` is the same value. */
    equals(other: reference.RegistryHost): boolean
    /** The value as text. */
    toString(): string
    /** The value as text (what `JSON.stringify` writes). */
    toJSON(): string
  }
  /** Parses an image reference; throws `code: "InvalidReference"` naming what is wrong and where. */
  export function parseReference(text: string): reference.ImageReference
  /**
   * The AWS partition of a region: `{ name, dnsSuffix, dualStackDnsSuffix }` (`null` when the partition has
   * no dual-stack registry hosts).
   */
  export function partitionOfRegion(region: string): PartitionInfo
  /** Checks a digest (`sha256:<64 lower-case hex>`); throws `code: "InvalidReference"`. */
  export function validateDigest(digest: string): void
  /** Checks a repository name against ECR's grammar; throws `code: "InvalidReference"` naming what is wrong. */
  export function validateRepositoryName(name: string): void
  /** Checks a tag against the OCI grammar; throws `code: "InvalidReference"`. */
  export function validateTag(tag: string): void
}

export declare namespace scan {
  /** The gate's decision: `passed`, and the `scan_gate` program's renderings. */
  export class ScanDecision {
    /** Whether the gate passed. */
    get passed(): boolean
    /** The JSON report its program prints, as a plain object (also what `JSON.stringify` writes). */
    toJSON(): ScanGateReport
    /** The SARIF 2.1.0 log (the program's `--format sarif`), as a plain object. */
    toSarif(): Record<string, unknown>
    /** The Markdown summary (the program's `--format markdown`). */
    toMarkdown(): string
    /**
     * The report as the program's `--format FORMAT` prints it: `"json"`, `"sarif"` (both pretty-printed
     * JSON text) or `"markdown"` (`"md"`); another format throws `code: "InvalidArgument"`.
     */
    render(format: ReportFormat | 'md'): string
  }
  /**
   * A validated scan gate policy (`failOn`, `minScore`, `ignore` rules, ...). Unknown fields and bad dates
   * throw `code: "PolicyValidation"` with `errors: [{ path, message }]`.
   */
  export class ScanPolicy {
    /** Parses and validates a JSON policy. */
    static fromJson(text: string): ScanPolicy
    /** Parses and validates a TOML policy (the same field names; dates may be TOML dates). */
    static fromToml(text: string): ScanPolicy
    /** Validates a policy given as a plain object (the JSON shape). */
    static fromObject(policy: Record<string, unknown>): ScanPolicy
    /** Loads a policy file: `.toml` as TOML, anything else as JSON. */
    static load(path: string): ScanPolicy
    /** The policy as a plain object, defaults filled in (also what `JSON.stringify` writes). */
    toJSON(): Record<string, unknown>
  }
  /**
   * Compares two severities by the core's order (most severe first): negative when `a` is more severe
   * than `b`, 0 when equal, positive when less severe (a `sort` comparator). Unknown names throw
   * `code: "InvalidArgument"`.
   */
  export function compareSeverity(a: string, b: string): number
  /**
   * Gates one image's findings on a policy, like `scan_gate --findings FILE --policy FILE [--now T]`, and
   * returns the program's JSON report as a plain object (`{ passed, reasons, counted, ... }`). For SARIF or
   * Markdown use `gateFindings`.
   */
  export function evaluateFindings(pages: string | Record<string, unknown> | Array<Record<string, unknown>>, policy: scan.ScanPolicy | Record<string, unknown> | string, options?: EvaluateFindingsOptions | null): ScanGateReport
  /** As `evaluateFindings`, returning a `ScanDecision` (`passed`, `toJSON()`, `toSarif()`, `toMarkdown()`). */
  export function gateFindings(pages: string | Record<string, unknown> | Array<Record<string, unknown>>, policy: scan.ScanPolicy | Record<string, unknown> | string, options?: EvaluateFindingsOptions | null): scan.ScanDecision
  /** Parses DescribeImageScanFindings response(s) (as for `evaluateFindings`) into one merged object. */
  export function parseFindings(pages: string | Record<string, unknown> | Array<Record<string, unknown>>): Record<string, any>
  /**
   * Parses DescribeImageScanFindings JSON text with the strict reader behind `parseFindings`: the same
   * result for every input, and a `code: "InvalidArgument"` error naming the JSON path of the first problem
   * (`[1].imageScanFindings.findings[0].severity`).
   */
  export function parseFindingsStrict(text: string): Record<string, any>
  /**
   * A report format name in its canonical spelling: `"json"`, `"sarif"` or `"markdown"` (`"md"` too, any
   * case); another name throws `code: "InvalidArgument"`.
   */
  export function parseReportFormat(name: string): ReportFormat
  /** A known severity name (case-insensitive, surrounding blanks ignored) in its ECR spelling, or `null`. */
  export function parseSeverity(name: string): Severity | null
  /**
   * Every severity, most severe first: `CRITICAL`, `HIGH`, `MEDIUM`, `LOW`, `INFORMATIONAL`, `UNTRIAGED`,
   * `UNDEFINED`.
   */
  export function severities(): Severity[]
  /** A finding's severity as the gate reads it: unknown or absent values are `UNDEFINED`. */
  export function severityOfFinding(name?: string | undefined | null): Severity
}

export declare namespace settings {
  /**
   * Audits the registry snapshot `snapshot` (JSON text) against `repositories` (DescribeRepositories
   * entries) and the tags builds push again and again (`rollingTags`): the `registry_settings audit`
   * program's report.
   */
  export function auditRegistry(snapshot: string, repositories: Record<string, unknown>[], rollingTags?: string[] | null): VerifyReport
  /**
   * The settings of repository `repository` (existing or not yet created) under the registry snapshot
   * `snapshot` (JSON text), each with what decided it: the `registry_settings effective` program's JSON.
   * `existing` (`{ repository: <DescribeRepositories entry>, lifecyclePolicy, repositoryPolicy }`)
   * describes the repository when it exists.
   */
  export function effectiveSettings(snapshot: string, repository: string, existing?: Record<string, unknown> | null): Record<string, unknown>
}

export declare namespace tagging {
  /** A validated tag strategy (docker/metadata-action's tag types and flavor, as camelCase JSON). */
  export class TagStrategy {
    /**
     * Parses and validates a strategy document; throws `code: "PolicyValidation"` with `errors` naming
     * every bad field.
     */
    static fromJson(text: string): TagStrategy
    /**
     * Plans the tags of `context` (a `BuildContext` object or JSON text) and checks them against the
     * policy and the repository (`existing` images, `mutability`, `exclusions`); `digest` is the digest
     * about to be pushed. Returns the `tag_plan` program's JSON: `{ tags, labels, violations, warnings }`.
     */
    plan(context: BuildContext | string, options?: PlanOptions | null): PlanReport
    /**
     * The raw tag plan of `context`, before any policy check: `{ tags, labels, violations, warnings }`
     * (the strategy's own findings). `existingTags` (the repository's tags) feed the backport rule. Check
     * it with `checkPlan`.
     */
    planTags(context: BuildContext | string, existingTags?: string[] | null): TagPlan
    /**
     * docker/metadata-action's outputs for `context` (planned without the repository's tags):
     * `{ version, tags, "tag-names", labels, annotations, json }`. `images` are the action's `images`
     * lines, `annotationLevels` its annotation levels (default `["manifest"]`).
     */
    metadataAction(context: BuildContext | string, images?: string[] | null, annotationLevels?: string[] | null): MetadataActionOutputs
  }
  /**
   * Applies a build-metadata rule to a version-like string: `underscore` (the default, `+` → `_`), `hyphen`
   * (`+` → `-`), `drop` (the `+...` part removed) or `reject` (`null` when there is a `+`).
   */
  export function applyBuildMetadata(text: string, rule?: BuildMetadataRule | null): string | null
  /**
   * The build context of the CI this runs in (GitHub Actions, GitLab CI, Buildkite, CircleCI, Jenkins).
   * `env` replaces `process.env` when given (GitHub's event payload is read from the file
   * `GITHUB_EVENT_PATH` names). Throws `code: "InvalidArgument"` outside a supported CI.
   */
  export function buildContextFromEnv(vars?: Record<string, string> | undefined | null): BuildContext
  /**
   * Checks a tag plan (`TagStrategy.planTags(...)`) against a policy and what is known of the repository:
   * `{ violations, warnings }`.
   */
  export function checkPlan(plan: TagPlan, options?: CheckPlanOptions | null): { violations: TagViolation[]; warnings: TagViolation[] }
  /**
   * What a build context implies (none of it is in the context object itself): `ref` (canonical),
   * `branch` (the pushed branch or a pull request's head branch), `tag`, `pullRequest`, `event` (derived
   * from the ref when not given), `isDefaultBranch` (computed), `shortSha` (lowercase); absent parts `null`.
   */
  export function describeBuildContext(context: BuildContext | string, options?: DescribeBuildContextOptions | null): BuildContextFacts
  /**
   * Turns `prefix + value + suffix` into a valid tag (illegal runs → `-`, no leading `.`/`-`, over 128
   * characters truncated inside the value with `-<7 hex of its SHA-256>`), or `null` when nothing is left.
   */
  export function fitTag(value: string, options?: FitTagOptions | undefined | null): string | null
  /**
   * The highest stable version among a repository's tags, or with `version` the highest on its `line`;
   * `null` when there is none. The flavor `prefix`/`suffix` are removed from each tag first, `_` reads as
   * `+`, pre-releases and other tags are ignored.
   */
  export function highestReleased(tags: Array<string>, options?: ReleasedVersionOptions | undefined | null): string | null
  /**
   * Whether a version is a pre-release (`1.2.3-rc.1`); throws `code: "InvalidArgument"` when it is not a
   * version.
   */
  export function isPrerelease(version: string): boolean
  /**
   * Whether a tag looks reserved by registries and signing tools: the OCI referrers fallback tag
   * `sha256-<64 hex>` and legacy cosign's `sha256-<64 hex>.sig|.att|.sbom`.
   */
  export function isReservedTag(tag: string): boolean
  /**
   * Whether a rolling tag of `line` (`all` = `latest`, `major`, `minor`) may move to `version`: it is at
   * least the highest stable version of its line among `tags` (build metadata ignored), so a backport never
   * moves a newer line's tag. `options.version` is not used.
   */
  export function mayRollTo(version: string, tags: string[], options?: Omit<ReleasedVersionOptions, 'version'> | null): boolean
  /**
   * A full git ref in its canonical form (`refs/pull/12/merge` → `refs/pull/12/head`,
   * `refs/merge-requests/7/head` → `refs/pull/7/head`); throws `code: "InvalidArgument"` for a short name.
   */
  export function normalizeGitRef(gitRef: string): string
  /**
   * Parses a version the way docker/metadata-action's `semver.clean` does (surrounding space and a leading
   * `v`/`V`/`=` ignored): `{ version, major, minor, patch, pre, build, prerelease }`, or `null` when the
   * text is not a full `MAJOR.MINOR.PATCH[-pre][+build]`.
   */
  export function parseVersion(text: string): ParsedVersion | null
  /**
   * Replaces every run of characters outside `[A-Za-z0-9._-]` with one `-` (`feature/new login` →
   * `feature-new-login`).
   */
  export function replaceIllegalRuns(text: string): string
  /**
   * Whether `tag` matches an ECR exclusion-filter wildcard (`*` any run of characters), as ECR decides which
   * tags a `*_WITH_EXCLUSION` setting exempts.
   */
  export function wildcardMatch(pattern: string, tag: string): boolean
}

export declare namespace verify {
  /**
   * The parts of an image config blob the config checks read. Environment values may be secret:
   * `toJSON()`, `toString()` and `util.inspect` show only the variable names; `env()` is the explicit read.
   */
  export class ImageConfig {
    /** Parses a config blob (a string or bytes); throws `code: "InvalidArgument"` when it is not JSON. */
    static parse(data: string | Uint8Array): ImageConfig
    /** The platform (`os/arch[/variant]`), when the config names one. */
    get platform(): string | null
    /** `config.User` (empty when unset: root). */
    get user(): string
    /** `config.Labels`. */
    get labels(): Record<string, string>
    /** `config.Healthcheck.Test`, when set. */
    get healthcheck(): Array<string> | null
    /** The names of the environment variables (no values). */
    get envNames(): Array<string>
    /**
     * `config.Env` as `NAME=value` strings: the explicit way to read values that may be secret (a method,
     * not a getter, so that `util.inspect(config, { getters: true })` cannot show them).
     */
    env(): Array<string>
    /** `{ platform, user, labels, healthcheck }` (never the environment; what `JSON.stringify` writes). */
    toJSON(): ImageConfigJson
    /** A description with the variable names only. */
    toString(): string
  }
  /**
   * A registry-protocol client bound to one registry and one set of credentials; every method returns a
   * Promise. `host` is the registry host (`<account>.dkr.ecr.<region>.amazonaws.com`); `options.url`
   * redirects the protocol; `credentials` (e.g. from `Authenticator.credentials(host)`) authenticate with
   * HTTP Basic, otherwise the client is anonymous. Nothing it shows holds the password.
   */
  export class RegistryClient {
    /** A client for `host` (or `options.url`). */
    constructor(host: string, options?: RegistryClientOptions | undefined | null, credentials?: auth.RegistryCredentials | undefined | null)
    /** The `host[:port]` this client talks to. */
    get host(): string
    /**
     * Fetches a manifest by tag or digest, accepting every manifest and index media type: `{ digest,
     * bytes }` (`digest` is the sha256 of the exact bytes served).
     */
    fetchManifest(repository: string, reference: string): Promise<FetchedManifest>
    /** Fetches a blob by digest (the bytes are checked against the digest); resolves with a `Buffer`. */
    fetchBlob(repository: string, digest: string): Promise<Uint8Array>
    /** Fetches and parses an image config blob. */
    fetchConfig(repository: string, digest: string): Promise<ImageConfig>
    /** A description (host only). */
    toString(): string
  }
  /**
   * The signature gate's decision: `passed`, every requirement and every signature checked, and the
   * `verify_signatures` program's renderings.
   */
  export class SignatureDecision {
    /** Whether every requirement of the policy is met. */
    get passed(): boolean
    /** The pinned digest the decision is about. */
    get digest(): string
    /**
     * Every requirement on every manifest (`subject`, `platform`, `requirement`, `status`, `satisfiedBy`,
     * `reason`, `message`).
     */
    get requirements(): SignatureRequirement[]
    /** The JSON report its program prints, as a plain object (also what `JSON.stringify` writes). */
    toJSON(): SignatureReport
    /** The SARIF 2.1.0 log (the program's `--format sarif`), as a plain object. */
    toSarif(): Record<string, unknown>
    /** The Markdown summary (the program's `--format markdown`). */
    toMarkdown(): string
    /**
     * The report as the program's `--format FORMAT` prints it: `"json"`, `"sarif"` (both pretty-printed
     * JSON text) or `"markdown"` (`"md"`); another format throws `code: "InvalidArgument"`.
     */
    render(format: ReportFormat | 'md'): string
  }
  /**
   * The principals of a repository policy (JSON text) that may push or delete from outside `accountId`, or
   * are wildcards: `[{ statement, principal, actions, message }]` (what the audit's policy check flags).
   */
  export function analyseRepositoryPolicy(text: string, accountId: string): PolicyFinding[]
  /** An in-toto Statement v1 build record naming the image by digest (what `verify_push --record` writes). */
  export function buildRecord(input: BuildRecordOptions): BuildRecord
  /** The healthcheck check (a healthcheck is declared). */
  export function checkHealthcheck(config: verify.ImageConfig): VerifyFinding
  /**
   * The integrity check: every image's digest is the sha256 of its exact `manifest` text, and
   * `expectedDigest` is among them. `images`: `batchGetImages(...).images`.
   */
  export function checkIntegrity(images: FetchedImage[], expectedDigest: string): VerifyFinding
  /** The OCI-labels check (revision, source, created present): `{ ok, message, details }`. */
  export function checkLabels(config: verify.ImageConfig): VerifyFinding
  /** The names of every check, in report order. */
  export function checkNames(): CheckName[]
  /** The non-root check of `verifyPush` on a parsed config: `{ ok, message, details }`. */
  export function checkNonRoot(config: verify.ImageConfig): VerifyFinding
  /**
   * Builds a full check policy table for `verifyPush({ checks })`: the defaults, then `levels` (check name
   * to `"required"` / `"warn"` / `"skip"`), then the comma lists of `options`. Unknown check names or levels
   * throw `code: "InvalidArgument"`.
   */
  export function checkPolicy(levels?: Partial<CheckPolicyTable> | null, options?: CheckPolicyOptions | null): CheckPolicyTable
  /**
   * The referrers check: a referrer whose artifact type is one of `wanted` (empty: any signature or SBOM
   * type). `referrers`: `listImageReferrers(...)`.
   */
  export function checkReferrers(referrers: Referrer[], wanted?: string[] | null): VerifyFinding
  /**
   * The replication check: every region of `regions` (empty: every reported destination) COMPLETE.
   * `statuses`: `imageReplicationStatus(...)` / `waitForReplication(...)`.
   */
  export function checkReplication(statuses: ReplicationStatus[], regions?: string[] | null): VerifyFinding
  /** The no-secrets check (no secret-looking environment variable; names only, never values). */
  export function checkSecrets(config: verify.ImageConfig): VerifyFinding
  /**
   * The platforms check: `expected` and `found` are `os/arch[/variant]` (compared as runtimes select them,
   * `arm64` ≡ `arm64/v8`); `attestations` is how many attestation entries the index had (default 0).
   */
  export function comparePlatforms(expected: Array<string>, found: Array<string>, attestations?: number | undefined | null): VerifyFinding
  /**
   * The default check policy of `verifyPush`, in report order: the image-identity and config safety checks
   * `required`, `healthcheck` `warn`, `replication` and `referrers` `skip`.
   */
  export function defaultCheckPolicy(): CheckPolicyTable
  /** The lifecycle policy `ensureRepository` gives a new repository by default (JSON text). */
  export function defaultLifecyclePolicy(): string
  /**
   * The platform children of an index manifest (JSON text): `[{ digest, platform, mediaType }]`,
   * attestations and unknown platforms left out (what the scan gate reads an index with).
   */
  export function indexChildren(manifest: string): Array<{ digest: string; platform: string; mediaType?: string }>
  /** True when `user` runs as root: empty (the default), `root`, or uid `0`, with or without a group. */
  export function isRootUser(user: string): boolean
  /**
   * A platform (`os/arch[/variant]`) in its comparison form: lowercase, `x86_64` → `amd64`, `aarch64` →
   * `arm64`, default variants (`arm64/v8`, `amd64/v1`) dropped. Throws `code: "InvalidArgument"`.
   */
  export function normalizePlatform(platform: string): string
  /**
   * Parses manifest bytes (OCI index/manifest, Docker list/manifest): `{ kind: "index", mediaType, entries }`
   * or `{ kind: "image", mediaType, configDigest, configMediaType }`.
   */
  export function parseManifest(data: string | Uint8Array): ParsedManifest
  /** The names of the secret-looking variables among `NAME=value` strings (never the values). */
  export function secretLikeEnvNames(env: Array<string>): Array<string>
  /** `sha256:<hex>` of the exact bytes (a string is taken as its UTF-8 bytes): the digest ECR gives a manifest. */
  export function sha256Digest(data: string | Uint8Array): string
  /**
   * Checks a lifecycle policy document (JSON text) as the audit and `ensureRepository` do; throws
   * `code: "PolicyValidation"` with `errors` naming every bad field.
   */
  export function validateLifecyclePolicyText(text: string): void
}
