"""An export checked offline, with nothing but its files and the public keys an auditor trusts."""

from __future__ import annotations

from pathlib import Path

from parley.errors import N_, ParleyError
from parley.log.export import ExportError, read_checkpoints, read_keys
from parley.log.verify.authority import Authority
from parley.log.verify.checkpoints import verify_checkpoints
from parley.log.verify.entries import Events, log_blocks
from parley.log.verify.policy import Policy, apply_policy
from parley.log.verify.report import Problem, Report, VerificationFailed
from parley.log.verify.sequence import verify_entries


def verify_export(
    folder: Path,
    events: Events,
    keys_file: Path | None = None,
    policy: Policy | None = None,
    authority: Authority | None = None,
) -> Report:
    """Check an export, each payload read as one of `events`, trusting only the public keys of
    `keys_file` (the export's keys.json if none), each entry held to the `authority` if given;
    then, given one, the auditor's `policy`."""
    report = Report()
    try:
        keys = read_keys(keys_file or folder / "keys.json")
        trusted = {k.key_id: k.public_key for k in keys.keys}
        tree = verify_entries(
            log_blocks(folder / "log.jsonl"), trusted, report, events, authority=authority
        )
        if keys.origin != report.origin or keys.operator != report.operator:
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(N_("keys.json names another log or operator than the entries do")),
                )
            )
        unused = set(trusted) - set(report.keys)
        if unused:
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_("keys.json lists key {unused}, which the log never registered"),
                        unused=sorted(unused)[0],
                    ),
                )
            )
        for k in keys.keys:
            if report.keys[k.key_id].party != k.party_id:
                raise VerificationFailed(
                    Problem(
                        None,
                        ParleyError(
                            N_(
                                "keys.json gives key {key_id} to {party_id}, the log to another party"
                            ),
                            key_id=k.key_id,
                            party_id=k.party_id,
                        ),
                    )
                )
        # an export whose checkpoints were all removed, folder and all, has none
        has = (folder / "checkpoints").is_dir()
        verify_checkpoints(read_checkpoints(folder) if has else [], tree, report)
        if policy is not None:
            apply_policy(policy, tree, report)
    except ExportError as e:
        raise VerificationFailed(Problem(None, e)) from e
    return report
