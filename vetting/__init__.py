"""Vet social media freelancers and agencies against rubrics built from the warnings.

The public API, layer by layer (see docs/architecture.md)::

    from vetting.loading import load_portfolios, load_brief   # files -> models
    from vetting.rubrics import load_rubric                  # rubric YAML -> Rubric
    from vetting.evidence import evaluate                    # models -> findings -> scorecards

Errors the toolkit raises on purpose all derive from :class:`vetting.errors.VettingError`.
"""

__version__ = "0.1.0"
