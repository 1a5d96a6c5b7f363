-- Stand-in records (src/catalog/stand-ins.ts): a library's record of a title it received by
-- redistribution or cooperative acquisition. The ingest looks for them in each chunk's clusters
-- through this small partial index.
create index source_records_stand_in on source_records (library_id, cluster_id)
  where not deleted and (record_key like 'transfer:%' or record_key like 'acq:%' or record_key like 'id:acq:%');
-- Their copies are Simpul's, not named by the library's files (0071 counted them as the file's).
update items set file_status = null
  where source_record_id in (select id from source_records
    where record_key like 'transfer:%' or record_key like 'acq:%' or record_key like 'id:acq:%');
