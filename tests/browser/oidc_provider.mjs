// A real OpenID Connect provider (npm oidc-provider, OpenID-certified) for the browser tests, on 127.0.0.1 only.
// Usage: node oidc_provider.mjs PORT REDIRECT_URI CLIENT_ID CLIENT_SECRET
// Accounts: "anna" (group beskdash-analytikere) and "rolf" (no group). The built-in development login form
// takes the account name; the password field is not checked (dev interactions), which is what a test wants.
import Provider from 'oidc-provider';

const [port, redirectUri, clientId, clientSecret] = process.argv.slice(2);
const ACCOUNTS = {
  anna: { name: 'Anna Analytiker', email: 'anna@kommune.test', groups: ['beskdash-analytikere', 'alle-ansatte'] },
  rolf: { name: 'Rolf Læser', email: 'rolf@kommune.test', groups: ['alle-ansatte'] },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri],
    post_logout_redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
  }],
  async findAccount(ctx, id) {
    const acc = ACCOUNTS[id];
    if (!acc) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...acc }; } };
  },
  claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
  scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
  // Put the granted claims in the ID token: Streamlit's st.user reads the ID token.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['beskdash-test-cookie-key'] },
  ttl: { Session: 3600, Grant: 3600, IdToken: 3600, AccessToken: 3600, Interaction: 600 },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1', () => { console.log(`oidc-provider klar på ${port}`); });
