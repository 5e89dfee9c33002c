"""OpenID Connect roles: which claim holding which value makes an analyst; everyone else is a reader."""

from __future__ import annotations

from beskdash import auth

PROVIDER = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
            "client_id": "beskdash", "client_secret": "hemmelig",
            "server_metadata_url": "https://login.microsoftonline.com/TENANT/v2.0/.well-known/openid-configuration"}


def test_no_provider_section_means_local_users() -> None:
    assert auth.oidc_settings({}) is None
    assert auth.oidc_settings({"users": {"anna": "pbkdf2_sha256$1$a$b"}}) is None
    assert auth.missing_oidc_keys({"users": {}}) == []


def test_half_written_provider_section_names_what_is_missing() -> None:
    section = {k: v for k, v in PROVIDER.items() if k != "cookie_secret"}
    assert auth.oidc_settings(section) is None
    assert auth.missing_oidc_keys(section) == ["cookie_secret"]


def test_default_role_is_the_groups_claim() -> None:
    s = auth.oidc_settings(PROVIDER)
    assert s == auth.OidcSettings("groups", ("beskdash-analytikere",))
    assert auth.role_from_claims({"groups": ["alle-ansatte", "beskdash-analytikere"]}, s) == "analyst"
    assert auth.role_from_claims({"groups": ["alle-ansatte"]}, s) is None
    assert auth.role_from_claims({}, s) is None


def test_roles_claim_and_several_values() -> None:
    s = auth.oidc_settings({**PROVIDER, "analyst_claim": "roles", "analyst_value": ["Analytiker", "Admin"]})
    assert auth.role_from_claims({"roles": "Admin"}, s) == "analyst"
    assert auth.role_from_claims({"roles": ["Læser"], "groups": ["Analytiker"]}, s) is None


def test_a_value_that_only_contains_the_group_name_grants_nothing() -> None:
    s = auth.oidc_settings(PROVIDER)
    assert auth.role_from_claims({"groups": ["ikke-beskdash-analytikere"]}, s) is None
    assert auth.role_from_claims({"groups": "beskdash-analytikere-gamle"}, s) is None


def test_name_recorded_is_the_providers_username() -> None:
    assert auth.name_from_claims({"sub": "abc", "email": "anna@kommune.dk",
                                  "preferred_username": "anna@kommune.dk"}) == "anna@kommune.dk"
    assert auth.name_from_claims({"sub": "abc"}) == "abc"
    assert auth.name_from_claims({}) is None
