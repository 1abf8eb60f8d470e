"""The card drawer: one face of one card on any ReportLab canvas, and its checks."""
