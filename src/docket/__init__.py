"""Docket: customer-document management (客户档案管理系统)."""
