// Type-checked with `tsc --noEmit -p test` (never run): the API as a TypeScript caller uses it.
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

import { parseReference } from '../index.js'
import type { ParsedReference } from '../index.js'
const parsed: ParsedReference = parseReference('public.ecr.aws/nginx/nginx:latest')
const kind: 'private' | 'public' = parsed.kind
void kind

// scan + lifecycle (bindscan)
import { LifecycleImages, LifecyclePolicy, LifecyclePreviewResult, ScanDecision, ScanPolicy, evaluateFindings, gateFindings, parseFindings } from '../index.js'
import type {
  ExpireReport,
  LifecyclePolicyWarning,
  LifecyclePreview,
  LifecycleReport,
  LifecycleValidation,
  ResolvedImage,
  ScanGateReport,
  ScanProgress,
  ScanWaitOutcome,
} from '../index.js'

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
