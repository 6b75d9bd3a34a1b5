"""Tests of chapter 4 (edl.convolution): formulas, checks, errata, figures and the digits experiment."""
