"""hub.lib.sealed: secrets sealed with a key derived from SECRET_KEY, read back with it or a fallback."""

from __future__ import annotations

import pytest

from hub.lib.sealed import Unsealable, config_keys, is_sealed, reseal, seal, unseal

ADDRESS = "https://hooks.slack.com/services/T0001/B0002/s3cr3tPathXyZ"


def test_a_sealed_value_hides_the_text_and_reads_back():
    token = seal(ADDRESS, ["key-one"])
    assert is_sealed(token) and not is_sealed(ADDRESS)
    assert "s3cr3t" not in token and "hooks.slack.com" not in token
    assert token != seal(ADDRESS, ["key-one"])  # a fresh IV each time: equal addresses do not show
    assert unseal(token, ["key-one"]) == ADDRESS


def test_another_key_cannot_read_it_and_a_fallback_can():
    token = seal(ADDRESS, ["key-one"])
    with pytest.raises(Unsealable):
        unseal(token, ["key-two"])
    assert unseal(token, ["key-two", "key-one"]) == ADDRESS  # SECRET_KEY rotated, the old one a fallback
    with pytest.raises(Unsealable):
        unseal(token[:-4] + "AAAA", ["key-one"])  # tampered
    with pytest.raises(Unsealable):
        unseal("not a token", ["key-one"])


def test_the_key_is_derived_not_the_secret_key_itself():
    import base64

    from cryptography.fernet import Fernet, InvalidToken

    secret = base64.urlsafe_b64encode(b"k" * 32).decode()  # a SECRET_KEY that is itself a valid Fernet key
    token = seal(ADDRESS, [secret])
    with pytest.raises(InvalidToken):
        Fernet(secret).decrypt(token)


def test_config_keys_put_secret_key_first_then_the_fallbacks():
    assert config_keys({"SECRET_KEY": "new", "SECRET_KEY_FALLBACKS": ["old", "new", "older"]}) == ("new", "old", "older")
    assert config_keys({"SECRET_KEY": "new", "SECRET_KEY_FALLBACKS": "old, older"}) == ("new", "old", "older")
    assert config_keys({"SECRET_KEY": "new", "SECRET_KEY_FALLBACKS": None}) == ("new",)
    with pytest.raises(RuntimeError):
        config_keys({"SECRET_KEY": ""})


def test_reseal_moves_a_token_to_the_first_key():
    old = seal(ADDRESS, ["key-one"])
    assert reseal(old, ["key-one"]) is None  # already under the first key
    new = reseal(old, ["key-two", "key-one"])
    assert new is not None and unseal(new, ["key-two"]) == ADDRESS
    with pytest.raises(Unsealable):
        reseal(old, ["key-three"])
