import ExposureAdapters
import Foundation
import GDALSwift

/// What makes a GeoPackage self-describing in QGIS and other readers, written with SQL into the package
/// GDAL has just written (GDAL 3.6 has no API for these): the schema extension's `gpkg_data_columns`
/// (each column's title and description), QGIS's `layer_styles` (the default style) and the metadata
/// extension's `gpkg_metadata` with `gpkg_metadata_reference` (the manifest, as JSON).
public enum GeoPackageExtras {
    public static func describeColumns(_ columns: [ResultColumn], table: String, in dataset: Dataset) throws {
        try dataset.executeSQL("""
            CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, \
            title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, \
            CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))
            """)
        try dataset.executeSQL("""
            CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, \
            value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT, \
            CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))
            """)
        try registerExtension("gpkg_schema", tables: ["gpkg_data_columns", "gpkg_data_column_constraints"],
                              definition: "http://www.geopackage.org/spec121/#extension_schema", in: dataset)
        for column in columns {
            try dataset.executeSQL("""
                INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description) \
                VALUES (\(quote(table)), \(quote(column.name)), \(quote(column.name)), \(quote(column.title)), \(quote(column.description)))
                """)
        }
    }

    /// The style QGIS loads by itself when it opens the layer (QGIS's own `layer_styles` schema).
    public static func addDefaultStyle(_ qml: String, name: String, table: String, in dataset: Dataset) throws {
        try dataset.executeSQL("""
            CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), \
            f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, \
            styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT CURRENT_TIMESTAMP)
            """)
        try dataset.executeSQL("""
            INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, \
            styleSLD, useAsDefault, description, owner, update_time) VALUES ('', '', \(quote(table)), 'geom', \(quote(name)), \(quote(qml)), '', 1, \
            'written by exposure: classes of the headline column, hatched where hazard data are incomplete', 'exposure', \
            strftime('%Y-%m-%dT%H:%M:%fZ','now'))
            """)
    }

    public static func embedManifest(_ json: String, table: String, in dataset: Dataset) throws {
        try dataset.executeSQL("""
            CREATE TABLE IF NOT EXISTS gpkg_metadata (id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL, \
            md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL, mime_type TEXT NOT NULL DEFAULT 'text/xml', \
            metadata TEXT NOT NULL DEFAULT '')
            """)
        try dataset.executeSQL("""
            CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (reference_scope TEXT NOT NULL, table_name TEXT, column_name TEXT, \
            row_id_value INTEGER, timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), \
            md_file_id INTEGER NOT NULL, md_parent_id INTEGER, \
            CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id), \
            CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id))
            """)
        try registerExtension("gpkg_metadata", tables: ["gpkg_metadata", "gpkg_metadata_reference"],
                              definition: "http://www.geopackage.org/spec121/#extension_metadata", in: dataset)
        try dataset.executeSQL("""
            INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) \
            VALUES ('dataset', 'urn:exposure:manifest', 'application/json', \(quote(json)))
            """)
        try dataset.executeSQL("""
            INSERT INTO gpkg_metadata_reference (reference_scope, table_name, md_file_id) \
            VALUES ('table', \(quote(table)), (SELECT MAX(id) FROM gpkg_metadata))
            """)
    }

    public static func registerExtension(_ name: String, tables: [String], definition: String, in dataset: Dataset) throws {
        try dataset.executeSQL("""
            CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, \
            definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))
            """)
        for table in tables {
            try dataset.executeSQL("""
                INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) \
                SELECT \(quote(table)), NULL, \(quote(name)), \(quote(definition)), 'read-write' \
                WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = \(quote(table)) AND extension_name = \(quote(name)))
                """)
        }
    }

    /// An SQL string literal.
    public static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\0", with: "") + "'"
    }
}
