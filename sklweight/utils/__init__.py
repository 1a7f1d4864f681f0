"""Utilities shared by the estimators and the losses (validation lives in ``_validation``)."""
