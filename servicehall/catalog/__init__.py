"""The service catalog (CAT-1..CAT-8): items, their versions, materials, steps, fees, Excel.

Staff pages under /catalog/<center>/ (see ``views``), the staff API under
/api/v1/centers/{code}/items (see ``api``). Other apps read it through ``selectors``.
"""
