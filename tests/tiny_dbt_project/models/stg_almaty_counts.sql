-- A view, as the full project's staging and intermediate layers are: BI tools must be able to query it in
-- the published file.
{{ config(materialized="view") }}

select * from {{ ref('fct_yearly_flows') }} where region_code = '75'
