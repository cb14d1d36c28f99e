from pipeline_helpers import _fresh_reference_cache, fake_run  # noqa: F401
