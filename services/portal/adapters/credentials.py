"""The client of the credentials service: declare a credential, assess its recognition, follow the procedure."""

from __future__ import annotations

from services.portal.adapters.http import ServiceClient


class CredentialsClient(ServiceClient):
    """The credentials port over a transport: HTTP to another process, or the app itself in the embedded mode."""

    service = "credentials"

    def declare(self, token, lang, body):
        """Declare a credential for a person of the caller's centre."""
        return self._call("POST", "/credentials", token, lang, body=body)

    def list_for_profile(self, token, lang, profile_id, limit=20, cursor=None):
        """Return one page of a person's credentials with their latest assessment."""
        params = {"profile_id": profile_id, "limit": limit, "cursor": cursor}
        return self._call("GET", "/credentials", token, lang, params=params)

    def assess(self, token, lang, credential_id, destination):
        """Assess a credential's recognition in a destination country; the answer is guidance."""
        return self._call("POST", f"/credentials/{credential_id}/assessments", token, lang,
                          body={"destination": destination})

    def change_status(self, token, lang, credential_id, etag, status, note=""):
        """Move a credential along the recognition workflow, read at ``etag``."""
        return self._call("POST", f"/credentials/{credential_id}/status", token, lang,
                          body={"status": status, "note": note}, headers={"If-Match": etag})
