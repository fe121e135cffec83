// A real OpenID Connect provider (panva's oidc-provider) on loopback, for the sign-in tests.
// tests/oidc/fixtures.py starts it; by hand:
//
//   node tests/oidc/provider.mjs --port 4000 --issuer http://127.0.0.1:4000 \
//     --client-id imhcf --client-secret s3cret \
//     --redirect-uri http://127.0.0.1:8000/accounts/oidc/work/login/callback/ \
//     --accounts accounts.json [--mode good|bad-signature|wrong-issuer|multi-tenant]
//     [--tenant TID]
//
// One confidential client: authorization code flow only, PKCE (S256) required,
// client_secret_basic or client_secret_post, ID Tokens signed RS256.
// The login page asks for an account (its e-mail address); consent is granted
// without a page. The accounts come from --accounts FILE or OIDC_ACCOUNTS (JSON):
//   [{"sub": "...", "email": "...", "email_verified": true,
//     "given_name": "...", "family_name": "...", "name": "..."}, ...]
//
// --mode changes the token endpoint's answer, nothing else:
//   bad-signature  the ID Token is signed by a key that is NOT in the published JWKS
//                  (same kid, same header and claims)
//   wrong-issuer   the ID Token's iss is not the discovery document's issuer
//                  (signed by the published key, so only the issuer is wrong)
//   multi-tenant   as Microsoft Entra ID's multi-tenant endpoints answer: the ID Token
//                  carries the account's tenant, tid = TID (--tenant), and is issued by
//                  that tenant, iss = {issuer}/{TID}/v2.0 (signed by the published key).
//                  Discovery still names {issuer}: a client configures the issuer
//                  "{issuer}/{tenantid}/v2.0" itself, as Entra's "organizations"
//                  document publishes it.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import * as jose from 'jose';
import Provider from 'oidc-provider';

const MODES = ['good', 'bad-signature', 'wrong-issuer', 'multi-tenant'];

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    accounts: { type: 'string' },
    mode: { type: 'string', default: 'good' },
    tenant: { type: 'string' },
  },
});
for (const name of ['port', 'issuer', 'client-id', 'client-secret', 'redirect-uri']) {
  if (!args[name]) {
    console.error(`provider.mjs: --${name} is required`);
    process.exit(2);
  }
}
if (!MODES.includes(args.mode)) {
  console.error(`provider.mjs: --mode must be one of ${MODES.join(', ')}`);
  process.exit(2);
}
if ((args.mode === 'multi-tenant') !== Boolean(args.tenant)) {
  console.error('provider.mjs: --tenant goes with --mode multi-tenant, and only with it');
  process.exit(2);
}

const accountsJson = args.accounts ? readFileSync(args.accounts, 'utf8') : process.env.OIDC_ACCOUNTS;
if (!accountsJson) {
  console.error('provider.mjs: give the accounts with --accounts FILE or OIDC_ACCOUNTS');
  process.exit(2);
}
const accounts = JSON.parse(accountsJson);
const bySub = new Map(accounts.map((a) => [a.sub, a]));
const byEmail = new Map(accounts.map((a) => [a.email.toLowerCase(), a]));

// The published signing key, and (for bad-signature) an impostor with the same kid.
async function rsaKey(kid) {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: kid ?? (await jose.calculateJwkThumbprint(jwk)), alg: 'RS256', use: 'sig' };
}
const [signingJwk, impostorJwk] = await Promise.all([
  rsaKey(),
  args.mode === 'bad-signature' ? rsaKey('impostor') : null,
]);
if (impostorJwk) impostorJwk.kid = signingJwk.kid;

const provider = new Provider(args.issuer, {
  clients: [{
    client_id: args['client-id'],
    client_secret: args['client-secret'],
    redirect_uris: [args['redirect-uri']],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // A client that sends its secret may use either method (oidc-provider treats them alike).
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }],
  responseTypes: ['code'],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  pkce: { required: () => true }, // oidc-provider 9 accepts S256 only
  claims: {
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  // The claims go in the ID Token as well as userinfo (as Google's do), so a client
  // that skips userinfo still learns the address.
  conformIdTokenClaims: false,
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: { devInteractions: { enabled: false } },
  async findAccount(ctx, sub) {
    const account = bySub.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { ...account, sub };
      },
    };
  },
  // Consent without a page, as oidc-provider's docs suggest: the grant (found or new)
  // is given whatever the request asks for, and saved.
  async loadExistingGrant(ctx) {
    const { Grant } = ctx.oidc.provider;
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    const grant = (grantId && await Grant.find(grantId)) || new Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.account.accountId,
    });
    grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
    grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>Error</h1><p>${escape(out.error)}: ${escape(out.error_description ?? '')}</p>`);
  },
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${escape(title)} - Test identity provider</title></head><body><main>${body}</main></body></html>`;
}

function loginPage(uid, { account = '', error = '' } = {}) {
  return page('Sign in', `<h1>Sign in to the test identity provider</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label for="account">Account</label>
<input id="account" name="account" type="text" autocomplete="username" required autofocus value="${escape(account)}">
<button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`);
}

async function formBody(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

// A compact JWS with the same header and claims, signed by another key.
async function resign(idToken, jwk, changeClaims) {
  const header = jose.decodeProtectedHeader(idToken);
  const claims = changeClaims(jose.decodeJwt(idToken));
  const key = await jose.importJWK(jwk, 'RS256');
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader(header)
    .sign(key);
}

const interaction = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/;

provider.use(async (ctx, next) => {
  const match = interaction.exec(ctx.path);
  if (match) {
    const [, uid, action] = match;
    ctx.set('cache-control', 'no-store');
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
    if (!action && ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = loginPage(uid);
      return;
    }
    if (ctx.method !== 'POST' || !action) ctx.throw(405);
    let result;
    if (action === 'abort') {
      result = { error: 'access_denied', error_description: 'The user cancelled the sign-in' };
    } else {
      const typed = ((await formBody(ctx.req)).get('account') ?? '').trim();
      const account = byEmail.get(typed.toLowerCase()) ?? bySub.get(typed);
      if (!account) {
        ctx.type = 'html';
        ctx.body = loginPage(uid, { account: typed, error: `No account called ${typed}.` });
        return;
      }
      result = { login: { accountId: account.sub } };
    }
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: false,
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
    return;
  }

  await next();

  if (args.mode !== 'good' && ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
    const base = args.issuer.replace(/\/$/, '');
    const change = {
      'bad-signature': [impostorJwk, (claims) => claims],
      'wrong-issuer': [signingJwk, (claims) => ({ ...claims, iss: `${base}/another-issuer` })],
      'multi-tenant': [signingJwk, (claims) => ({
        ...claims, tid: args.tenant, iss: `${base}/${args.tenant}/v2.0`,
      })],
    }[args.mode];
    ctx.body.id_token = await resign(ctx.body.id_token, ...change);
  }
});

provider.on('server_error', (ctx, err) => console.error('server_error', err));

provider.listen(Number(args.port), '127.0.0.1', () => {
  console.log(`oidc-provider (${args.mode}) listening: ${args.issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
