"""The client of the profiles service: profiles, suggestions, placements and introductions (workspace contract)."""

from __future__ import annotations

from services.portal.adapters.http import ServiceClient


class ProfilesClient(ServiceClient):
    """The profiles port over a transport: HTTP to another process, or the app itself in the embedded mode."""

    service = "profiles"

    def create_profile(self, token, lang, body):
        """Register a person in the caller's centre; likely duplicates come back as ``warnings``."""
        return self._call("POST", "/profiles", token, lang, body=body)

    def get_profile(self, token, lang, profile_id):
        """Read a profile with its ETag."""
        return self._call("GET", f"/profiles/{profile_id}", token, lang)

    def update_profile(self, token, lang, profile_id, etag, body):
        """Replace a profile's details and consents, read at ``etag``."""
        return self._call("PUT", f"/profiles/{profile_id}", token, lang, body=body, headers={"If-Match": etag})

    def merge_profiles(self, token, lang, profile_id, other_id):
        """Fold the duplicate ``other_id`` into ``profile_id`` and erase it."""
        return self._call("POST", f"/profiles/{profile_id}/merge", token, lang, body={"other_id": other_id})

    def list_profiles(self, token, lang, filters, limit=20, cursor=None):
        """Return one page of the centre's people: search (``q``), filters, last contact and latest stage."""
        return self._call("GET", "/profiles", token, lang, params={**filters, "limit": limit, "cursor": cursor})

    def suggest(self, token, lang, text, text_lang=None, kind=None, limit=8):
        """Return the occupations or skills Puente reads in free text, for the counsellor to confirm."""
        body = {"text": text, "lang": text_lang, "kind": kind, "limit": limit}
        return self._call("POST", "/profiles/suggestions", token, lang, body=body)

    def create_placement(self, token, lang, profile_id, vacancy_id, note=None):
        """Propose a person for a vacancy (stage ``proposed``); 409 names the existing placement."""
        body = {"profile_id": profile_id, "vacancy_id": vacancy_id, **({"note": note} if note else {})}
        return self._call("POST", "/placements", token, lang, body=body)

    def list_placements(self, token, lang, *, profile_id=None, vacancy_id=None, stage=None, limit=50, cursor=None):
        """Return one page of the centre's placements, filtered."""
        params = {"profile_id": profile_id, "vacancy_id": vacancy_id, "stage": stage, "limit": limit,
                  "cursor": cursor}
        return self._call("GET", "/placements", token, lang, params=params)

    def get_placement(self, token, lang, placement_id):
        """Read a placement and its history, with its ETag."""
        return self._call("GET", f"/placements/{placement_id}", token, lang)

    def record_stage(self, token, lang, placement_id, etag, stage, note=None, on=None):
        """Move a placement to its next stage, read at ``etag``."""
        body = {"stage": stage, **({"note": note} if note else {}), **({"on": on} if on else {})}
        return self._call("POST", f"/placements/{placement_id}/stages", token, lang, body=body,
                          headers={"If-Match": etag})

    def introduce(self, token, lang, profile_id, vacancy_id, consent):
        """Record the person's consent to be introduced for one vacancy, and introduce them."""
        body = {"profile_id": profile_id, "vacancy_id": vacancy_id, "consent": consent}
        return self._call("POST", "/introductions", token, lang, body=body)

    def list_introductions(self, token, lang, vacancy_id):
        """Return the people introduced for a vacancy (with identity for its employer)."""
        return self._call("GET", "/introductions", token, lang, params={"vacancy_id": vacancy_id})

    def request_introduction(self, token, lang, vacancy_id, candidate):
        """Ask the person's centre to introduce a suggested (pseudonymous) candidate; 202."""
        body = {"vacancy_id": vacancy_id, "candidate": candidate}
        return self._call("POST", "/introduction-requests", token, lang, body=body)

    def list_introduction_requests(self, token, lang):
        """Return the open introduction requests (a counsellor's centre's, or an employer's own)."""
        return self._call("GET", "/introduction-requests", token, lang)
