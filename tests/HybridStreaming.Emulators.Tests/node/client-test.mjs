// The official Cloudflare client against the emulator: only baseURL and the token differ from production.
// Prints one JSON line with what it saw; exits non-zero on any failure.
import Cloudflare from 'cloudflare';

const { CF_BASE_URL, CF_API_TOKEN, CF_ACCOUNT_ID } = process.env;
const cf = new Cloudflare({ apiToken: CF_API_TOKEN, baseURL: CF_BASE_URL, maxRetries: 0 });
const account_id = CF_ACCOUNT_ID;
const seen = {};

const input = await cf.stream.liveInputs.create({ account_id, meta: { name: 'npm client' }, recording: { mode: 'automatic', timeoutSeconds: 5 } });
seen.created = { uid: input.uid, hasKey: Boolean(input.rtmps?.streamKey), url: input.rtmps?.url, mode: input.recording?.mode };

const got = await cf.stream.liveInputs.get(input.uid, { account_id });
seen.got = { uid: got.uid, name: got.meta?.name };

const list = await cf.stream.liveInputs.list({ account_id });
seen.listed = list.liveInputs.some((i) => i.uid === input.uid);

const updated = await cf.stream.liveInputs.update(input.uid, { account_id, meta: { name: 'renamed' }, enabled: false });
seen.updated = { name: updated.meta?.name, enabled: updated.enabled };

const output = await cf.stream.liveInputs.outputs.create(input.uid, { account_id, url: 'rtmp://127.0.0.1:1935/app', streamKey: 'key-1' });
seen.output = { hasUid: Boolean(output.uid), enabled: output.enabled };
const outputs = [];
for await (const o of cf.stream.liveInputs.outputs.list(input.uid, { account_id })) outputs.push(o.uid);
seen.outputsListed = outputs.length;
const toggled = await cf.stream.liveInputs.outputs.update(output.uid, { account_id, live_input_identifier: input.uid, enabled: false });
seen.outputToggled = toggled.enabled;
await cf.stream.liveInputs.outputs.delete(output.uid, { account_id, live_input_identifier: input.uid });

const videos = [];
for await (const v of cf.stream.list({ account_id, live_input_id: input.uid })) videos.push(v.uid);
seen.videos = videos.length;

await cf.stream.liveInputs.delete(input.uid, { account_id });
try {
  await cf.stream.liveInputs.get(input.uid, { account_id });
  seen.afterDelete = 'still there';
} catch (error) {
  seen.afterDelete = { status: error.status, name: error.constructor.name, code: error.errors?.[0]?.code };
}

try {
  await new Cloudflare({ apiToken: 'wrong', baseURL: CF_BASE_URL, maxRetries: 0 }).stream.liveInputs.list({ account_id });
  seen.wrongToken = 'accepted';
} catch (error) {
  seen.wrongToken = { status: error.status, name: error.constructor.name };
}

console.log(JSON.stringify(seen));
