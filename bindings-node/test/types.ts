// Type-checked with `tsc --noEmit -p test` (never run): the API as a TypeScript caller uses it.
import { auth, lifecycle, reference, scan, tagging, verify } from '../index.js'
import { EcrClient, errorCodes, version } from '../index.js'
import type { EcrError, ImageDetail, ImageId, Repository, RepositorySettings } from '../index.js'

async function main(): Promise<void> {
  const client = new EcrClient({ region: 'eu-west-1', endpointUrl: undefined })
  const settings: RepositorySettings = { tagMutability: 'IMMUTABLE', scanOnPush: true }
  const repo: Repository = await client.createRepository('team/service', settings)
  const uri: string = repo.repositoryUri
  const again: Repository = await client.describeRepository('team/service')
  const all: Repository[] = await client.listRepositories()
  const id: ImageId = await client.putImage('team/service', '{}', { tag: 'v1', digest: 'sha256:0' })
  const images: ImageDetail[] = await client.describeImages('team/service', ['v1', { imageDigest: 'sha256:0' }])
  const status: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' = images[0].imageStatus
  const codes: string[] = errorCodes()
  const v: string = version()
  try {
    await client.describeRepository('missing')
  } catch (e) {
    const err = e as EcrError
    const code: string = err.code
    const rid: string | null = err.requestId
    void [uri, again, all, id, status, codes, v, code, rid, err.errors?.map((f) => f.path)]
  }
}

void main

const { parseReference, ImageReference, RegistryHost } = reference
type ImageReference = reference.ImageReference
type RegistryHost = reference.RegistryHost
const parsed: ImageReference = parseReference('public.ecr.aws/nginx/nginx:latest')
const kindOf: 'private' | 'public' = parsed.host.kind
const tagOf: string | null = parsed.tag
void [kindOf, tagOf]

// --- auth, tagging, verify, reference checks ---
const { Authenticator, RegistryCredentials, defaultDockerConfigPath, mergeAuthEntry, registryRegion, writeDockerConfig } = auth
const { TagStrategy, buildContextFromEnv } = tagging
const { buildRecord, defaultLifecyclePolicy } = verify
const { validateDigest, validateRepositoryName, validateTag } = reference
import type { AuditReport, AwsIdentity, BuildContext, EnsureOutcome, MergeOutcome, PlanReport, PushVerification, RegistryCredentialsJson, RepositoryTagState, VerifyReport } from '../index.js'

async function authTaggingVerify(): Promise<void> {
  const client = new EcrClient({ region: 'us-east-1' })
  const auth = new Authenticator(client, { assumeNow: '2014-12-31T12:00:00Z', diskCache: true })
  const creds: RegistryCredentials = await auth.credentials('123456789012.dkr.ecr.us-east-1.amazonaws.com')
  const pub: RegistryCredentials = await auth.publicCredentials()
  const mine: RegistryCredentials = await auth.credentialsForRegion('eu-west-1')
  const password: string = creds.password()
  const shown: RegistryCredentialsJson = creds.toJSON()
  const identity: AwsIdentity = await auth.awsIdentity()
  const reply: HelperOutput = await auth.runHelper('get', creds.host)
  const code: number = reply.exitCode
  await auth.invalidate(creds.host)
  const outcome: MergeOutcome = writeDockerConfig(defaultDockerConfigPath() ?? 'config.json', creds.host, creds)
  const merged: { config: Record<string, unknown>; outcome: MergeOutcome } = mergeAuthEntry({}, creds.host, mine)
  const region: string | null = registryRegion(creds.host)

  const context: BuildContext = buildContextFromEnv({ GITHUB_ACTIONS: 'true' })
  const strategy = TagStrategy.fromJson('{"tags": ["type=sha"]}')
  const plan: PlanReport = strategy.plan(context, { policy: 'production', mutability: 'IMMUTABLE', exclusions: [] })
  const checked: PlanReport = await client.checkTagPlan('team/service', strategy, context, { digest: 'sha256:0' })
  const state: RepositoryTagState = await client.repositoryTagState('team/service')

  const v: PushVerification = await client.verifyPush('h/r:v1', { digest: 'sha256:0', skip: 'healthcheck' }, creds)
  const audit: VerifyReport = await client.auditRepository('team/service')
  const all: AuditReport = await client.auditAllRepositories()
  const ensured: EnsureOutcome = await client.ensureRepository('team/service', { apply: true, lifecyclePolicy: null })
  const record = buildRecord({ name: 'h/r', digest: 'sha256:0', platforms: v.platforms, verified: v.report.passed })
  const policy: string = defaultLifecyclePolicy()
  validateRepositoryName('team/service')
  validateTag('v1')
  validateDigest('sha256:0')
  const host: string = RegistryHost.private('123456789012', 'eu-west-1', { fips: false, dualStack: true }).toString()
  void [pub, password, shown, identity, code, outcome, merged, region, plan, checked, state, audit, all, ensured]
  void [record._type, policy, host, checked.tags[0].kind]
}

void authTaggingVerify

const { analyseRepositoryPolicy, sha256Digest, validateLifecyclePolicyText } = verify
const { wildcardMatch } = tagging
import type { PolicyFinding } from '../index.js'
const findings: PolicyFinding[] = analyseRepositoryPolicy('{}', '123456789012')
validateLifecyclePolicyText('{"rules": []}')
const digest: string = sha256Digest(new Uint8Array([1, 2])) + sha256Digest('{}')
const matched: boolean = wildcardMatch('release-*', 'release-1')
void [findings, digest, matched]
// scan + lifecycle
const { LifecycleImages, LifecyclePolicy, LifecyclePreviewResult } = lifecycle
const { ScanDecision, ScanPolicy, evaluateFindings, gateFindings, parseFindings } = scan
import type { ExpireReport, LifecyclePolicyWarning, LifecyclePreview, LifecycleReport, LifecycleValidation, ResolvedImage, ScanGateReport, ScanProgress, ScanWaitOutcome } from '../index.js'

async function scanAndLifecycle(client: EcrClient): Promise<void> {
  const policy: ScanPolicy = ScanPolicy.fromJson('{"failOn": {"CRITICAL": 0}}')
  const report: ScanGateReport = evaluateFindings('{}', policy, { now: new Date() })
  const passed: boolean = report.passed
  const decision: ScanDecision = gateFindings([{}], { failOn: { HIGH: 1 } }, { now: '2026-06-01T00:00:00Z' })
  const sarif: Record<string, unknown> = decision.toSarif()
  const md: string = decision.toMarkdown()
  const merged: Record<string, any> = parseFindings('{}')
  const onProgress = (p: ScanProgress): void => void p.status
  const live: ScanDecision = await client.gateImage('repo', 'v1', policy, { timeout: 60, onProgress, platforms: ['linux/amd64'] })
  const waited: ScanWaitOutcome = await client.waitForScan('repo', 'sha256:0', { scanType: 'basic', onProgress })
  const resolved: ResolvedImage = await client.resolveImage('repo', { imageTag: 'v1' })
  const type: 'BASIC' | 'ENHANCED' | null = await client.registryScanType()
  await client.startImageScan('repo', 'v1')
  const findings: Record<string, any> = await client.describeScanFindings('repo', 'sha256:0')

  const lp: LifecyclePolicy = LifecyclePolicy.fromJson('{"rules": []}')
  const validation: LifecycleValidation = LifecyclePolicy.validate('{}')
  const warnings: LifecyclePolicyWarning[] = lp.warnings
  const images: LifecycleImages = LifecycleImages.fromJson('[]')
  const preview: LifecyclePreview = lp.evaluate(images, { now: new Date(), protected: ['sha256:0'], manifestLists: {} })
  const again: LifecyclePreview = lp.evaluate('[]', { now: '2026-06-01T00:00:00Z' })
  const kept: LifecyclePreviewResult = lp.evaluatePreview(images, { now: new Date() })
  const expiringCount: number = kept.summary.expiringImageTotalCount
  const digests: string[] = kept.expiringDigests
  const doc: LifecyclePreview = kept.toJSON()
  void [expiringCount, digests, doc]
  const put: LifecyclePolicyWarning[] = await client.putLifecyclePolicy('repo', lp)
  const got: LifecyclePolicy = await client.getLifecyclePolicy('repo')
  const all: ImageDetail[] = await client.describeImagesAllStatuses('repo')
  const children: Record<string, string[]> = await client.manifestListChildren('repo', all)
  const lr: LifecycleReport = await client.lifecyclePreview('repo', { policy: lp, protected: [], compareWithEcr: false })
  const ecr = await client.ecrLifecyclePreview('repo', { policy: '{}', timeout: 10 })
  const expired: ExpireReport = await client.expireImages('repo', lr.preview, { dryRun: true, maxDeletions: 5 })
  void [passed, sarif, md, merged, live.passed, waited, resolved, type, findings, validation, warnings, preview, again]
  void [put, got.toText(), children, ecr.previewResults, expired.deleted, images.length]
}
void scanAndLifecycle

// --- registry protocol, individual verify checks, auth clock/refresh/disk cache, tag plan check ---
const { DiskCache, RefreshPolicy } = auth
const { ImageConfig, RegistryClient, checkHealthcheck, checkIntegrity, checkLabels, checkNonRoot, checkReferrers, checkReplication, checkSecrets, comparePlatforms, indexChildren, isRootUser, parseManifest, secretLikeEnvNames } = verify
const { checkPlan } = tagging
import type { FetchedManifest, ImageConfigSummary, ImageLookup, ParsedManifest, Referrer, ReplicationStatus, RepositoryScanning, TagPlan, ResolvedTags, VerifyFinding } from '../index.js'

async function gaps(client: EcrClient, auth: Authenticator, creds: RegistryCredentials): Promise<void> {
  const reg = new RegistryClient('123456789012.dkr.ecr.us-east-1.amazonaws.com', { url: 'http://127.0.0.1:5000' }, creds)
  const anonymous = new RegistryClient('public.ecr.aws')
  const host: string = reg.host
  const m: FetchedManifest = await reg.fetchManifest('repo', 'v1')
  const bytes: Uint8Array = m.bytes
  const blob: Uint8Array = await anonymous.fetchBlob('repo', m.digest)
  const config: ImageConfig = await reg.fetchConfig('repo', 'sha256:0')
  const parsedConfig: ImageConfig = ImageConfig.parse(blob)
  const platform: string | null = config.platform
  const user: string = config.user
  const labels: Record<string, string> = config.labels
  const health: string[] | null = parsedConfig.healthcheck
  const names: string[] = config.envNames
  const env: string[] = config.env()
  const shown: ImageConfigSummary = config.toJSON()
  const findings: VerifyFinding[] = [checkNonRoot(config), checkLabels(config), checkSecrets(config), checkHealthcheck(config)]
  const root: boolean = isRootUser(user)
  const secretNames: string[] = secretLikeEnvNames(env)
  const lookup: ImageLookup = await client.batchGetImages('repo', ['v1', { imageDigest: 'sha256:0' }])
  const integrity: VerifyFinding = checkIntegrity(lookup.images, 'sha256:0')
  const resolved: ResolvedTags = await client.resolveTags('repo', ['v1'], 'sha256:0')
  const platforms: VerifyFinding = comparePlatforms(['linux/amd64'], ['linux/arm64'], 1)
  const statuses: ReplicationStatus[] = await client.waitForReplication('repo', 'sha256:0', { regions: ['eu-west-1'], timeout: 60 })
  const replication: VerifyFinding = checkReplication(statuses, ['eu-west-1'])
  const referrers: Referrer[] = await client.listImageReferrers('repo', 'sha256:0')
  const signed: VerifyFinding = checkReferrers(referrers)
  const parsed: ParsedManifest = parseManifest(bytes)
  const configDigest: string | undefined = parsed.kind === 'image' ? parsed.configDigest : undefined

  const policy = new RefreshPolicy({ aheadFraction: 0.5, minRemaining: 120 })
  const at: string = policy.refreshAt('2026-01-01T00:00:00Z', '2026-01-01T12:00:00Z')
  const usable: boolean = policy.usable(at, '2026-01-01T01:00:00Z')
  const numbers: number[] = [policy.aheadFraction, policy.aheadMin, policy.minRemaining]
  const clocked = new Authenticator(client, { assumeNow: '2026-01-01T00:00:00Z', refreshPolicy: { minRemaining: 60 } })
  clocked.setNow('2026-01-02T00:00:00Z')
  clocked.advance(3600)
  const now: string = auth.now
  const cache: DiskCache | null = clocked.diskCache ?? DiskCache.fromEnv()
  const own = new DiskCache('/tmp/cache', { maxEntries: 8 })
  const registries: string[] = own.registries(now)
  const count: number = own.tokenCount()
  const paths: string[] = [own.dir, own.file]

  const strategy = TagStrategy.fromJson('{"tags": ["type=sha"]}')
  const plan: TagPlan = strategy.planTags({ event: 'push', ref: 'refs/heads/main', sha: '0'.repeat(40) }, ['v1'])
  const check = checkPlan(plan, { policy: 'production', repository: { mutability: 'IMMUTABLE', exclusionFilters: [] }, digest: 'sha256:0' })
  const blocking: string[] = check.violations.map((v) => v.code)
  void [host, platform, labels, health, names, shown, findings, root, secretNames, integrity, resolved, platforms]
  void [replication, signed, configDigest, usable, numbers, cache, registries, count, paths, blocking, check.warnings]
  const scanning: RepositoryScanning = await client.repositoryScanning('repo')
  const lifecycleText: string | null = await client.lifecyclePolicyText('repo')
  const policyText: string | null = await client.repositoryPolicyText('repo')
  const children: Array<{ digest: string; platform: string; mediaType?: string }> = indexChildren('{}')
  void [scanning.scanFrequency, scanning.scanOnPush, lifecycleText, policyText, children]
  const tuned = new EcrClient({ retryMode: 'adaptive', maxAttempts: 5, initialBackoff: 0.2, connectTimeout: 2, operationTimeout: 30, attemptTimeout: Infinity })
  const explicit = new EcrClient({ region: 'eu-west-1', accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't' })
  void [tuned, explicit]
}
void gaps

// --- reference builders, check policy table, severities, report formats, strict findings reader ---
const { applyBuildMetadata, describeBuildContext, highestReleased, isPrerelease, mayRollTo, normalizeGitRef, parseVersion, fitTag, isReservedTag, replaceIllegalRuns } = tagging
const { normalizePlatform, checkNames, checkPolicy, defaultCheckPolicy } = verify
const { checkCredentialPolicy, isLongLived } = auth
const { compareSeverity, parseFindingsStrict, parseReportFormat, parseSeverity, severities, severityOfFinding } = scan
const { partitionOfRegion } = reference
import type { CheckLevel, CheckName, CheckPolicyTable, PartitionInfo, ReportFormat, Severity } from '../index.js'
import type { BuildContextFacts, BuildMetadataRule, ParsedVersion, VersionLine } from '../index.js'

async function builders(client: EcrClient): Promise<void> {
  const ref: ImageReference = ImageReference.parse('h/r').withTag('v1').withDigest('sha256:0').withoutTag().withoutDigest()
  const uri: string = ref.repositoryUri
  const hostOf: RegistryHost = RegistryHost.fromServerUrl('https://h').withFips(true).withDualStack(false)
  const hosts: Array<string | null> = [hostOf.serverUrl, hostOf.registryId, hostOf.region, hostOf.dnsSuffix]
  const partition: PartitionInfo = partitionOfRegion('eu-west-1')
  const suffix: string | null = partition.dualStackDnsSuffix
  const table: CheckPolicyTable = checkPolicy({ labels: 'warn' }, { skip: 'healthcheck' })
  const level: CheckLevel = defaultCheckPolicy()['non-root']
  const names: CheckName[] = checkNames()
  const verified = await client.verifyPush('h/r:v1', { digest: 'sha256:0', checks: table })
  const partial = await client.verifyPush('h/r:v1', { digest: 'sha256:0', checks: { referrers: 'required' } })
  const order: Severity[] = severities()
  const parsed: Severity | null = parseSeverity('high')
  const ofFinding: Severity = severityOfFinding(undefined)
  const sorted: string[] = ['LOW', 'HIGH'].sort(compareSeverity)
  const format: ReportFormat = parseReportFormat('md')
  const rendered: string = gateFindings('{}', {}).render(format)
  const strict: Record<string, any> = parseFindingsStrict('{}')
  const identity = await new Authenticator(client).awsIdentity()
  const longLived: boolean = isLongLived(identity)
  checkCredentialPolicy(identity, { requireTemporaryCredentials: !longLived })
  const fitted: string | null = fitTag('feature/x', { prefix: 'pr-', suffix: '-amd64' })
  const reserved: boolean = isReservedTag(replaceIllegalRuns('a b'))
  const normal: string = normalizePlatform('linux/aarch64')
  const imageId: ImageId | null = ImageReference.parse('h/r:v1').imageId()
  void [fitted, reserved, normal, imageId]
  const version: ParsedVersion | null = parseVersion('v1.2.3')
  const pre: boolean = isPrerelease(version?.version ?? '1.2.3-rc.1')
  const line: VersionLine = 'minor'
  const highest: string | null = highestReleased(['v1.2.3'], { version: '1.2.4', line, prefix: 'app-', suffix: '' })
  const rolls: boolean = mayRollTo('1.2.4', ['v1.2.3'], { line: 'major' })
  const rule: BuildMetadataRule = 'drop'
  const cleaned: string | null = applyBuildMetadata('1.2.3+b7', rule)
  const facts: BuildContextFacts = describeBuildContext({ ref: 'refs/heads/main' }, { shaLength: 10 })
  const branch: string | null = facts.branch
  const canonical: string = normalizeGitRef('refs/pull/1/merge')
  void [pre, highest, rolls, cleaned, branch, canonical, describeBuildContext('{}')]
  checkCredentialPolicy({ source: 'sso', accessKeyKind: 'temporary', hasSessionToken: true, expiresAt: null })
  void [uri, hosts, suffix, level, names, verified, partial, order, parsed, ofFinding, sorted, rendered, strict]
}
void builders

type Authenticator = auth.Authenticator
type DiskCache = auth.DiskCache
type HelperOutput = auth.HelperOutput
type ImageConfig = verify.ImageConfig
type LifecycleImages = lifecycle.LifecycleImages
type LifecyclePolicy = lifecycle.LifecyclePolicy
type LifecyclePreviewResult = lifecycle.LifecyclePreviewResult
type RefreshPolicy = auth.RefreshPolicy
type RegistryClient = verify.RegistryClient
type RegistryCredentials = auth.RegistryCredentials
type ScanDecision = scan.ScanDecision
type ScanPolicy = scan.ScanPolicy
type TagStrategy = tagging.TagStrategy
import { inventory } from '../index.js'
import type { DiscoverOptions, InUsePreview, Inventory, RegistryInUseReport } from '../index.js'

async function inventoryCalls(client: EcrClient): Promise<void> {
  const options: DiscoverOptions = { services: ['ecs', 'lambda'], taskDefinitionRevisions: 2, referrersApi: false }
  const live: Inventory = await client.discoverInventory(options)
  const files: Inventory = inventory.fromFiles([{ kind: 'kubernetes', path: 'cluster.json' }])
  const both: Inventory = inventory.merge([live, JSON.stringify(files)])
  const complete: boolean = inventory.read(both).complete
  const doc: InUsePreview = await client.lifecyclePreviewWithInventory('shop/api', both, { now: new Date() })
  const users: string[] = doc.inUse.flatMap((rule) => rule.images.flatMap((hit) => hit.uses.map((u) => u.name)))
  const offline: InUsePreview = inventory.preview('{"rules":[]}', [], both, { now: '2026-12-01T00:00:00Z' })
  await client.expireImagesWithInventory('shop/api', doc, both, { dryRun: false, allowIncomplete: false })
  const report: RegistryInUseReport = await client.registryInUseReport(both, { concurrency: 4 })
  void [complete, users, offline, report.inUseHits]
}

void inventoryCalls
